import type { components } from './schema';

export type Problem = Partial<components['schemas']['ProblemDetailsDto']> & { status: number; title: string; detail?: string; code?: string };

/** An API refusal (problem+json, RFC 9457), with its field errors indexed by field. */
export class ApiProblem extends Error {
  readonly fields: Record<string, string>;

  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
    this.fields = {};
    for (const error of problem.errors ?? []) this.fields[error.field] ??= error.message;
  }

  get status(): number {
    return this.problem.status;
  }

  /** The message of a field, or of the first field under it (usager → usager.nom). */
  field(name: string): string | undefined {
    if (this.fields[name]) return this.fields[name];
    const key = Object.keys(this.fields).find((f) => f.startsWith(`${name}.`) || f.startsWith(`${name}[`));
    return key ? this.fields[key] : undefined;
  }

  /** Field errors no form field shows: said at the top of the form. */
  unplaced(shown: string[]): string[] {
    return Object.entries(this.fields)
      .filter(([field]) => !shown.some((s) => field === s || field.startsWith(`${s}.`)))
      .map(([field, message]) => `${field} : ${message}`);
  }
}

export function asProblem(error: unknown): ApiProblem | null {
  return error instanceof ApiProblem ? error : null;
}
