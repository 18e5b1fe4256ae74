/** A one-line progress bar for terminals: `reading Lattice [#######.......] 35/70`. */
export function progressLine(done: number, total: number, width = 30): string {
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * width);
  return `reading Lattice [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} resources`;
}

export interface ProgressBar {
  update(done: number, total: number): void;
  /** Clears the line, so that the output that follows starts clean. */
  end(): void;
}

/** Redraws in place on a terminal (carriage return); draws nothing when `stream` is not a TTY. */
export function progressBar(stream: { isTTY?: boolean; write(text: string): unknown }): ProgressBar {
  if (!stream.isTTY) return { update: () => undefined, end: () => undefined };
  let drawn = '';
  return {
    update(done, total) {
      const line = progressLine(done, total);
      if (line === drawn) return;
      drawn = line;
      stream.write(`\r${line}`);
    },
    end() {
      if (drawn) stream.write(`\r${' '.repeat(drawn.length)}\r`);
      drawn = '';
    },
  };
}
