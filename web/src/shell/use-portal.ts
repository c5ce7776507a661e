import { useEffect, useState } from 'react';
import type { PortalInfo } from '../../../common/api.js';
import type { FacteurApi } from '../api/facteur-api';

/**
 * Institution name, logo, help link and announcements. null while loading or if the call fails: the
 * frame then shows a generic name, and the sign-in form still works (the session call reports outages).
 */
export function usePortal(api: FacteurApi): PortalInfo | null {
  const [portal, setPortal] = useState<PortalInfo | null>(null);
  useEffect(() => {
    let live = true;
    api.getPortal().then(
      (info) => {
        if (live) setPortal(info);
      },
      (error: unknown) => console.warn('portal.unavailable', error),
    );
    return () => {
      live = false;
    };
  }, [api]);
  return portal;
}
