/**
 * Blob upload (RFC 8620 §6.1) with progress: XMLHttpRequest, since fetch reports no upload
 * progress. Same rules as the API client: same-origin cookie, CSRF header from the cookie.
 */
import { CSRF_COOKIE, CSRF_HEADER } from '../../../../common/api.js';
import { readCookie } from '../../api/client';
import type { JmapSession } from './jmap-client';

export interface Uploaded {
  blobId: string;
  type: string;
  size: number;
}

export type UploadFailure = 'tooLarge' | 'network' | 'server';

export class UploadError extends Error {
  constructor(readonly reason: UploadFailure) {
    super(`upload failed: ${reason}`);
    this.name = 'UploadError';
  }
}

export function uploadBlob(
  session: JmapSession,
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Uploaded> {
  if (session.maxSizeUpload > 0 && file.size > session.maxSizeUpload) {
    return Promise.reject(new UploadError('tooLarge'));
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', session.uploadUrl.replace('{accountId}', encodeURIComponent(session.accountId)));
    xhr.withCredentials = true;
    const token = readCookie(document.cookie, CSRF_COOKIE);
    if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status === 201) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText) as Uploaded);
      } else reject(new UploadError(xhr.status === 413 ? 'tooLarge' : 'server'));
    });
    xhr.addEventListener('error', () => reject(new UploadError('network')));
    xhr.addEventListener('abort', () => reject(new UploadError('network')));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
