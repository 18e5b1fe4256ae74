/** Whether the server should receive hook traffic: false until start-up work is done and again while shutting down. */
export class Readiness {
  #reason: string | undefined;

  constructor(initialReason?: string) {
    this.#reason = initialReason;
  }

  get ready(): boolean {
    return this.#reason === undefined;
  }

  get reason(): string | undefined {
    return this.#reason;
  }

  markReady(): void {
    this.#reason = undefined;
  }

  markNotReady(reason: string): void {
    this.#reason = reason;
  }
}
