/** The id at the end of a Lattice ARN (`arn:…:targetgroup/tg-…` → `tg-…`); an id stays as it is. */
export function idFromArn(arnOrId: string): string {
  return arnOrId.slice(arnOrId.lastIndexOf('/') + 1);
}
