// How a wrong value is shown after "got": short, unambiguous, and never the value itself where it
// may be a secret (a password, an HA1), only its kind.

const MAX_SHOWN = 40;

/** `"abc"`, `-1`, `true`, `a list`, `a mapping`, `nothing`; secret values only as `a string`, `a number`… */
export function describeValue(value: unknown, secret: boolean): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (secret) return kindOf(value);
  if (typeof value === "string") return quote(value);
  return String(value);
}

function kindOf(value: unknown): string {
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
    case "bigint":
      return "a number";
    case "boolean":
      return "true or false";
    default:
      return "a value";
  }
}

function quote(text: string): string {
  const shown = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
  return JSON.stringify(shown);
}
