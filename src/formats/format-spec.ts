// The spec of a server's format string (nginx `log_format`, Apache `LogFormat`), as the two compilers
// (nginx-format.ts, apache-format.ts) write it and CompiledFormat (compiled.ts) matches lines with it:
// literals and fields alternating, each field with how its extent is found (`Kind`) and what it means (`Role`).

/** How a field's extent is found. */
export const enum Kind {
  /** Ends where the next literal starts (or at the end of the line when it is the last thing). */
  Text,
  /** `dd/Mon/yyyy:HH:MM:SS +zzzz`. */
  ClfTime,
  /** RFC 3339. */
  IsoTime,
  /** Seconds (or `units` per second) since the epoch, maybe with a fraction. */
  Epoch,
  /** Three digits. */
  Status,
  // strftime parts (Apache %{...}t)
  Year4,
  Year2,
  Month2,
  MonthName,
  Day2,
  /** Day of the month, space-padded or 1-2 digits (%e). */
  DayPadded,
  Hour2,
  /** Hour, space-padded or 1-2 digits (%k). */
  HourPadded,
  Hour12,
  Minute2,
  Second2,
  AmPm,
  /** `+hhmm` (%z). */
  Offset,
  /** Zone or weekday name: letters, read but not used (a zone other than UTC/GMT cannot be known). */
  Letters,
  /** Digits, read but not used (fractions of a second, weekday numbers). */
  Digits,
}

/** What a field means for logsift. */
export const enum Role {
  None,
  Client,
  Status,
  Time,
  Request,
  Method,
  Path,
  Referrer,
  UserAgent,
  ForwardedFor,
  Vhost,
}

export interface FieldSpec {
  readonly kind: Kind;
  readonly role: Role;
  /** As written in the format string, for messages. */
  readonly name: string;
  /** Epoch: units per second. */
  readonly units?: number;
}

export interface CompiledSpec {
  /** `nginx` or `apache`. */
  readonly name: string;
  /** fields.length + 1 literals. */
  readonly literals: readonly string[];
  readonly fields: readonly FieldSpec[];
  /** How values are escaped: `json` (nginx escape=json) is undone by `text`; others are kept as written. */
  readonly escape: 'default' | 'json' | 'none';
}

/** One field of CompiledFormat.kernelProgram (compiled.ts): its Kind, whether it is the client or quoted text, its epoch unit (10^n per second), the literal after it. */
export interface TemplateStep {
  readonly kind: Kind;
  readonly client: boolean;
  readonly quoted: boolean;
  readonly unitDigits: number;
  readonly literal: Buffer;
}

export interface TemplateProgram {
  readonly literal: Buffer;
  readonly steps: readonly TemplateStep[];
}

/** Builds a spec: alternating literals and fields, merging adjacent literals. */
export class SpecBuilder {
  private readonly literals: string[] = [''];
  private readonly fields: FieldSpec[] = [];

  literal(text: string): this {
    this.literals[this.literals.length - 1] += text;
    return this;
  }

  field(field: FieldSpec): this {
    this.fields.push(field);
    this.literals.push('');
    return this;
  }

  /** The spec; `revise` may replace fields (a compiler's second thoughts once it has seen them all). */
  build(name: string, escape: CompiledSpec['escape'], revise: (field: FieldSpec) => FieldSpec = (f) => f): CompiledSpec {
    return { name, literals: [...this.literals], fields: this.fields.map(revise), escape };
  }
}
