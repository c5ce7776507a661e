/** GET /api/directory: people of the institution whose name or address starts as typed. */
import type { DirectoryEntry, DirectorySearchResult } from '../../../../common/api.js';
import { createApiClient } from '../../api/client';

const api = createApiClient();

export async function searchDirectory(query: string): Promise<DirectoryEntry[]> {
  const result = await api.get<DirectorySearchResult>(`/api/directory?q=${encodeURIComponent(query)}`);
  return result.results;
}
