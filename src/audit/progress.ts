/**
 * A one-line progress indicator on stderr for long audits, only when stderr is a terminal (never in
 * pipes, CI logs or tests). Redrawn at most every 100 ms.
 */
export function progressReporter(
  stream: NodeJS.WriteStream = process.stderr,
): ((done: number, total: number) => void) | undefined {
  if (stream.isTTY !== true) return undefined;
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    const finished = done === total;
    if (!finished && now - last < 100) return;
    last = now;
    stream.write(finished ? '\r\u001b[2K' : `\r\u001b[2Kauditing: ${done}/${total} files`);
  };
}
