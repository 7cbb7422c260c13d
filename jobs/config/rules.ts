/**
 * The pattern rules shipped by default (`detection.rules`): known failure signatures
 * (database connections, authentication, resource exhaustion, slow queries, timeouts),
 * in YAML form so they pass through the same validation as a user's rules.
 * Bounded gaps (.{0,60}) keep every pattern linear on long lines.
 */

/** A rule as written in YAML; `ignore_case` defaults to true. */
export interface RawRule {
  name: string;
  pattern: string;
  level?: string;
  category: string;
  ignore_case?: boolean;
}

/** The default rule set (case-insensitive). */
export const DEFAULT_RULES: readonly RawRule[] = [
  {
    name: 'database_connection_failure',
    category: 'database',
    level: 'ERROR',
    pattern:
      '\\b(?:database|db|sql|mysql|postgres(?:ql)?|mongo(?:db)?|oracle|jdbc|connection pool)\\b.{0,60}\\b(?:connection|connect)\\w*\\b.{0,40}\\b(?:fail\\w*|refused|lost|reset|closed|timed? ?out|error|unavailable)' +
      '|\\b(?:could not|cannot|can\'t|unable to|failed to) connect\\b.{0,40}\\b(?:database|db|mysql|postgres\\w*|mongo\\w*)\\b' +
      '|\\btoo many connections\\b|\\bdeadlock\\b',
  },
  {
    name: 'authentication_failure',
    category: 'auth',
    level: 'WARN',
    pattern:
      '\\b(?:auth\\w*|login|log-in|sign-?in|credentials?)\\b.{0,40}\\b(?:fail\\w*|denied|invalid|incorrect|rejected|expired)\\b' +
      '|\\bfailed password\\b|\\binvalid (?:user(?:name)?|password|credentials|token)\\b|\\b(?:access|permission) denied\\b|\\bunauthori[sz]ed\\b',
  },
  {
    name: 'out_of_memory',
    category: 'resource',
    level: 'CRITICAL',
    pattern: '\\bout of memory\\b|\\bOutOfMemory(?:Error)?\\b|\\bOOM\\b|\\bcannot allocate memory\\b|\\bheap space\\b|\\bmemory (?:limit )?exhausted\\b',
  },
  {
    name: 'disk_full',
    category: 'resource',
    level: 'CRITICAL',
    pattern: '\\bno space left on device\\b|\\bdisk (?:is )?full\\b|\\bdisk quota exceeded\\b|\\binsufficient (?:disk )?space\\b',
  },
  {
    name: 'too_many_open_files',
    category: 'resource',
    level: 'CRITICAL',
    pattern: '\\btoo many open files\\b|\\bEMFILE\\b|\\bfile descriptors? (?:exhausted|limit)',
  },
  {
    name: 'slow_query',
    category: 'performance',
    level: 'WARN',
    pattern: '\\bslow (?:query|queries|sql|statement)\\b|\\b(?:query|statement)\\b.{0,40}\\b(?:took|execution time|exceeded)\\b',
  },
  {
    name: 'timeout',
    category: 'timeout',
    level: 'ERROR',
    pattern: '\\btimed? ?out\\b|\\btimeout\\b|\\bdeadline exceeded\\b|\\bETIMEDOUT\\b',
  },
];
