/** Reading samples out of Prometheus text exposition in tests. */

/** Value of one sample (`name{labels}`, labels as rendered) in Prometheus text, or undefined. */
export function sample(text: string, name: string, labels = ""): number | undefined {
  const key = labels === "" ? name : `${name}{${labels}}`;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${key} `)) return Number(line.slice(key.length + 1));
  }
  return undefined;
}
