/** Terminal output for people: colour only on a TTY and never with NO_COLOR; aligned columns. */
export class CliOutput {
  readonly colour: boolean;

  constructor(
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    this.colour = !!stdout.isTTY && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  }

  get interactive(): boolean {
    return !!this.stdout.isTTY;
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  error(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
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

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[\d+m/g, '').length;
}
