/**
 * dependency-cruiser reporter: one line per violation, with the rule's comment, so a wrong import reads as
 * "file → file: which layer may import which" in a terminal or a CI log (the built-in `err-long` wraps the comment
 * over several lines at 78 columns). Exit code 1 on any error: the built-in reporters return the error count, which the
 * shell reads modulo 256, so 256 errors would pass.
 */

/** @param {{ from: string, to: string, type?: string, cycle?: { name: string }[] }} violation */
function target(violation) {
  if (violation.cycle?.length) return `${violation.cycle.map(({ name }) => name).join(' → ')} (cycle)`;
  return violation.to;
}

/** @param {import('dependency-cruiser').ICruiseResult} result */
export default function oneLinePerViolation(result) {
  const { summary } = result;
  const comments = new Map((summary.ruleSetUsed?.forbidden ?? []).map((rule) => [rule.name, rule.comment ?? '']));
  const shown = summary.violations
    .filter((violation) => violation.rule.severity !== 'ignore')
    .sort((a, b) => a.from.localeCompare(b.from) || target(a).localeCompare(target(b)));
  const counted = `${summary.totalCruised} modules, ${summary.totalDependenciesCruised ?? 0} dependencies cruised`;
  if (shown.length === 0) return { output: `✔ no layer violations (${counted})\n`, exitCode: 0 };
  const lines = shown.map(
    (violation) =>
      `${violation.rule.severity} ${violation.from} → ${target(violation)}: ${comments.get(violation.rule.name) || violation.rule.name} [${violation.rule.name}]`,
  );
  const total = `✘ ${shown.length} layer violations (${summary.error} errors, ${summary.warn} warnings; ${counted})`;
  return { output: `${lines.join('\n')}\n${total}\n`, exitCode: summary.error > 0 ? 1 : 0 };
}
