/**
 * Consent tickets: the server-side record of one authorize request while the consent page is
 * shown. The page's form carries only the ticket id, never the raw OAuth parameters, so the
 * decision cannot be replayed with a different redirect URI or state. Single use, 10 minutes.
 */
import { randomBytes } from 'node:crypto';

export interface ConsentTicket {
  clientId: string;
  redirectUri: string;
  /** Absent when the request carried none (Jobber does not require it). */
  state: string | undefined;
  /** The PKCE S256 challenge, when the request carried one (Jobber does not document PKCE). */
  codeChallenge: string | undefined;
  expiresAt: number;
}

const TICKET_LIFETIME_MS = 10 * 60 * 1000;

export class ConsentTickets {
  private readonly tickets = new Map<string, ConsentTicket>();

  open(input: Omit<ConsentTicket, 'expiresAt'>, now: number): string {
    for (const [id, ticket] of this.tickets) if (ticket.expiresAt <= now) this.tickets.delete(id);
    const id = randomBytes(24).toString('base64url');
    this.tickets.set(id, { ...input, expiresAt: now + TICKET_LIFETIME_MS });
    return id;
  }

  /** Takes a ticket (single use); undefined if unknown, used or expired. */
  take(id: string, now: number): ConsentTicket | undefined {
    const ticket = this.tickets.get(id);
    this.tickets.delete(id);
    if (!ticket || ticket.expiresAt <= now) return undefined;
    return ticket;
  }
}
