/**
 * What a browser would send back of the cookies an answer set (`name=value; ...`): the flow's
 * binding cookie from an OAuth start, for its callback. Empty when the answer set none.
 */
export function cookiesSetBy(response: { headers: Record<string, unknown> }): string {
  const header = response.headers['set-cookie'];
  const lines = Array.isArray(header) ? header : typeof header === 'string' ? [header] : [];
  return lines.map((line: string) => line.split(';')[0]).join('; ');
}
