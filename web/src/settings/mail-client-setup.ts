import type { ClientSettings } from '../../../common/api.js';

export type ConnectionSecurity = ClientSettings['imap'][number]['security'];

/** The names mail clients show in their menus (Thunderbird, Outlook, K-9): the same in every language. */
export const SECURITY_NAMES: Readonly<Record<ConnectionSecurity, string>> = {
  tls: 'SSL/TLS',
  starttls: 'STARTTLS',
};

export interface ServerSetup {
  host: string;
  port: number;
  security: ConnectionSecurity;
  /** Other endpoints of the same service, for clients that lack the first one (STARTTLS only). */
  alternatives: { port: number; security: ConnectionSecurity }[];
}

/**
 * The endpoint to recommend for IMAP or submission: implicit TLS when offered (RFC 8314), else the
 * first one the server lists; null when the server offers none.
 */
export function serverSetup(settings: ClientSettings, service: 'imap' | 'smtp'): ServerSetup | null {
  const endpoints = settings[service];
  const chosen = endpoints.find((e) => e.security === 'tls') ?? endpoints[0];
  if (!chosen) return null;
  return {
    host: settings.hostname,
    port: chosen.port,
    security: chosen.security,
    alternatives: endpoints.filter((e) => e !== chosen),
  };
}

/** The Apple configuration profile (iPhone, iPad, Mac) for an address, served by the same origin. */
export function appleProfileUrl(address: string): string {
  return `/apple/mail.mobileconfig?emailaddress=${encodeURIComponent(address)}`;
}
