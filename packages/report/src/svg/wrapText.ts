/**
 * Split a label into lines of at most `max` characters, breaking after commas first ("a=1, b=2, c=3"), then
 * at spaces, and cutting a word only when it alone is longer than a line. SVG text does not wrap by itself,
 * and a label that runs past its room overlaps a neighbour or is cut off by the viewBox.
 */
export function wrapText(label: string, max: number): string[] {
  const limit = Math.max(1, Math.floor(max));
  if (label.length <= limit) return [label];
  const lines: string[] = [];
  const place = (parts: string[], joiner: string) => {
    for (const part of parts) {
      const last = lines[lines.length - 1];
      if (last !== undefined && last.length + joiner.length + part.length <= limit) lines[lines.length - 1] = `${last}${joiner}${part}`;
      else lines.push(part);
    }
  };
  place(label.split(/(?<=,)\s+/), ' ');
  return lines.flatMap((line) => (line.length <= limit ? [line] : packWords(line, limit)));
}

/** One over-long line packed word by word; a word too long for a line breaks after its hyphens, then anywhere. */
function packWords(line: string, limit: number): string[] {
  const pieces: { text: string; glue: string }[] = [];
  line.split(' ').forEach((word, w) => {
    const parts = word.length > limit ? word.split(/(?<=-)/) : [word];
    parts.forEach((part, p) => {
      for (let i = 0; i < part.length; i += limit) pieces.push({ text: part.slice(i, i + limit), glue: w > 0 && p === 0 && i === 0 ? ' ' : '' });
    });
  });
  const out: string[] = [];
  for (const piece of pieces) {
    const last = out[out.length - 1];
    if (last !== undefined && last.length + piece.glue.length + piece.text.length <= limit) out[out.length - 1] = `${last}${piece.glue}${piece.text}`;
    else out.push(piece.text);
  }
  return out;
}
