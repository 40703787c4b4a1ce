import { ApiError } from './envelope.ts';

/** Parses a `Labels` form field: a JSON object of string → string. Absent or empty means none. */
export function parseLabels(raw: string | undefined): Record<string, string> {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidLabels('Labels is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidLabels('Labels must be a JSON object');
  }
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw invalidLabels(`Label "${key}" must have a string value`);
    labels[key] = value;
  }
  return labels;
}

/** A session matches a filter when it carries every pair of it (AND match, like the service). */
export function labelsMatch(
  labels: Record<string, string>,
  filter: Record<string, string>,
): boolean {
  return Object.entries(filter).every(([key, value]) => labels[key] === value);
}

function invalidLabels(message: string): ApiError {
  return new ApiError('InvalidParameter.Labels', message);
}
