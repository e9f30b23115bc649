/**
 * The shape every Deja error shares: a code from its module's enum, a message, and whether
 * trying again can succeed. Each module's `<module>.exception.ts` extends it with its codes (and
 * what else its transports need); each transport maps the codes in one exhaustive `switch`.
 */
export abstract class DejaError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    /** Transient faults are retried with backoff; everything else is terminal and reported. */
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    // Classes keep their names in the build (swc `keepClassNames`), so logs name the subclass.
    this.name = new.target.name;
  }

  /** Serialised explicitly: `JSON.stringify(error)` gives `{}`. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retriable: this.retriable,
      ...this.jsonDetails(),
    };
  }

  /** What a subclass adds to {@link toJSON} (issues, the provider's status, …). */
  protected jsonDetails(): Record<string, unknown> {
    return {};
  }
}
