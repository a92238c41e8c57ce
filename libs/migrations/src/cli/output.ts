import { cliRun } from './cli-run';

/**
 * Whether to paint output, after no-color.org and Node's own rules: `FORCE_COLOR` wins (`0` or `false` turn
 * colour off, any other value, empty included, turns it on); then a non-empty `NO_COLOR` turns it off (an
 * empty one does not); otherwise colour only on a terminal that is not `TERM=dumb`.
 */
export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  if (env.NO_COLOR) return false;
  return !!stream.isTTY && env.TERM !== 'dumb';
}

/**
 * What a command prints. For people by default (aligned, painted per {@link colourWanted}); with `--json`,
 * one JSON document on stdout (docs/json-output.md) and nothing else there: notes and progress are dropped,
 * warnings still go to stderr.
 */
export class CliOutput {
  readonly colour: boolean;
  /** `--json`: stdout carries the result document only. */
  readonly jsonMode: boolean;

  constructor(
    options: { json?: boolean } = {},
    readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    this.jsonMode = options.json ?? cliRun().json;
    this.colour = colourWanted(stdout);
  }

  /** A person reads stdout on a terminal (progress may be rewritten in place). */
  get interactive(): boolean {
    return !!this.stdout.isTTY && !this.jsonMode;
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** A line for people that the JSON result already carries (e.g. which database a command changes). */
  note(text: string): void {
    if (!this.jsonMode) this.line(text);
  }

  error(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** The command's result: `value` as JSON under `--json`, else what `render` prints for people. */
  result<T>(value: T, render: (value: T) => void): void {
    if (this.jsonMode) this.json(value);
    else render(value);
  }

  /** Rows of cells, padded so that columns line up; the last column is never padded. */
  table(rows: string[][], indent = ''): void {
    const widths: number[] = [];
    for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
    for (const row of rows) {
      const cells = row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i] - visibleLength(cell))));
      this.line(`${indent}${cells.join('  ')}`.trimEnd());
    }
  }

  bold = (text: string): string => this.paint(text, 1);
  dim = (text: string): string => this.paint(text, 2);
  green = (text: string): string => this.paint(text, 32);
  yellow = (text: string): string => this.paint(text, 33);
  red = (text: string): string => this.paint(text, 31);
  cyan = (text: string): string => this.paint(text, 36);

  private paint(text: string, code: number): string {
    return this.colour ? `\u001b[${code}m${text}\u001b[0m` : text;
  }
}

/** `1 migration`, `2 migrations`. */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}

export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[\d+m/g, '').length;
}
