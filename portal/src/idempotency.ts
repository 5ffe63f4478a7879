// One Idempotency-Key per booking submission. If the answer was lost to a network error and
// the customer presses Book again with the same details, the same key is sent, so the API
// returns the first booking instead of holding a second one.
export class SubmissionKeys {
  private pending?: { body: string; key: string };

  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {}

  keyFor(body: string): string {
    if (this.pending?.body === body) return this.pending.key;
    this.pending = { body, key: this.newKey() };
    return this.pending.key;
  }

  /** The server answered (success or error): the next submission is a new one. */
  settled(): void {
    this.pending = undefined;
  }
}
