/** What a delivery attempt reports for each recipient; the SMTP client fills it, the queue acts on it. */
import type { Readable } from 'node:stream';

/**
 * `delivered`: the remote server took responsibility (2xx after DATA). `deferred`: try again later
 * (4xx, connection or DNS failure). `failed`: permanent (5xx, null MX, no such domain).
 */
export type DeliveryOutcome = 'delivered' | 'deferred' | 'failed';

export interface RecipientResult {
  recipient: string;
  outcome: DeliveryOutcome;
  /** RFC 3463 enhanced status code (`2.0.0`, `4.4.1`, `5.1.1`). */
  status: string;
  /**
   * The remote reply line when there was one (`550 5.1.1 no such user`), else our own reason
   * (`connection refused by mx.example.net`). Bounded by the queue before it is stored.
   */
  response: string;
  /** Host name of the server that gave the reply, for the DSN's Remote-MTA. */
  remoteMta?: string;
}

/** One message to one domain's recipients, as the queue hands it to a transport. */
export interface DomainDelivery {
  queueId: string;
  /** `''` is the null sender. */
  mailFrom: string;
  domain: string;
  recipients: string[];
  size: number;
  /** Opens the raw message (a new stream for each connection attempt). */
  openMessage(): Promise<Readable>;
}

/** Sends one message to one domain: the queue runner's seam, an SMTP client in production. */
export type OutboundTransport = (delivery: DomainDelivery) => Promise<RecipientResult[]>;
