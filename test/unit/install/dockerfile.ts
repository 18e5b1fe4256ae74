/** A reader of the Dockerfile instructions the image tests look at (no variable expansion). */

export interface Instruction {
  keyword: string;
  /** The arguments, continuation lines joined. */
  args: string;
  line: number;
}

export interface Stage {
  /** `FROM <image> AS <name>`; the final stage may have no name. */
  name: string | undefined;
  image: string;
  instructions: Instruction[];
}

export interface Copy {
  from: string | undefined;
  sources: string[];
  destination: string;
}

/** The stages of a Dockerfile, in order; comments and parser directives are dropped. */
export function parseDockerfile(text: string): { globalArgs: Instruction[]; stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && pending === undefined)) continue;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending ? { text: `${pending.text} ${part}`.trim(), line: pending.line } : { text: part, line: index + 1 };
    if (continued) continue;
    const match = /^(\S+)\s*(.*)$/.exec(pending.text);
    if (match) instructions.push({ keyword: (match[1] as string).toUpperCase(), args: match[2] as string, line: pending.line });
    pending = undefined;
  }
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      stages.push({ image: image as string, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      globalArgs.push(instruction);
    } else {
      (stages[stages.length - 1] as Stage).instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** The words of an exec-form (JSON array) ENTRYPOINT, CMD or RUN; undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trimStart().startsWith('[')) return undefined;
  const words = JSON.parse(args) as unknown;
  if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) throw new Error(`not an exec form: ${args}`);
  return words;
}

export function parseCopy(args: string): Copy {
  const words = args.split(/\s+/).filter((w) => w !== '');
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = execForm(args) ?? words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), destination: paths[paths.length - 1] as string };
}

/** Resolves `path` against a WORKDIR, as Docker does for relative COPY destinations. */
export function inWorkdir(workdir: string, path: string): string {
  const absolute = path.startsWith('/') ? path : `${workdir.replace(/\/$/, '')}/${path}`;
  const parts: string[] = [];
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** Where each source of a COPY lands: into the destination directory, or as the destination. */
export function copyTargets(copy: Copy, workdir: string): Map<string, string> {
  const destination = inWorkdir(workdir, copy.destination);
  const intoDirectory = copy.destination.endsWith('/') || copy.sources.length > 1;
  return new Map(
    copy.sources.map((source) => [
      source.replace(/\/$/, ''),
      intoDirectory ? `${destination}/${source.replace(/\/$/, '').split('/').pop()}` : destination,
    ]),
  );
}
