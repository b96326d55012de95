// A Jest reporter: CPU seconds of each suite (the Jest process, and the child processes it has
// reaped: Chromium, compiled apps, Vitest, tsc), beside its wall time and the load average, as a
// TSV in CPU_REPORT (default: cpu-report.tsv). Meaningful with --runInBand only (suites in this
// process, one at a time). On a shared machine, compare CPU seconds, not wall time. PostgreSQL's
// and Redis's own CPU is not counted. Linux only (/proc).
//   CPU_REPORT=/tmp/web.tsv npx jest test/web --runInBand --selectProjects e2e \
//     --reporters=default --reporters=./test/setup/cpu-reporter.cjs
const { appendFileSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const TICKS_PER_SECOND = 100;

function cpuSeconds() {
  // /proc/self/stat after the command name: utime, stime, cutime, cstime are fields 12 to 15 (from 1 = state).
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return { own: (+fields[11] + +fields[12]) / TICKS_PER_SECOND, children: (+fields[13] + +fields[14]) / TICKS_PER_SECOND };
}

class CpuReporter {
  constructor() {
    this.file = process.env.CPU_REPORT || 'cpu-report.tsv';
    this.started = new Map();
    writeFileSync(this.file, 'suite\twall_s\tjest_cpu_s\tchildren_cpu_s\tload1\n');
  }

  onTestFileStart(test) {
    this.started.set(test.path, { at: Date.now(), cpu: cpuSeconds() });
  }

  onTestFileResult(test) {
    const start = this.started.get(test.path);
    if (!start) return;
    const cpu = cpuSeconds();
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    const row = [
      path.relative(process.cwd(), test.path),
      ((Date.now() - start.at) / 1000).toFixed(1),
      (cpu.own - start.cpu.own).toFixed(1),
      (cpu.children - start.cpu.children).toFixed(1),
      load,
    ];
    appendFileSync(this.file, `${row.join('\t')}\n`);
  }
}

module.exports = CpuReporter;
