/**
 * `node bench/dist/profile-summary.js <file.cpuprofile>…`: where a profile's time went, by package
 * (Node internals and native code charged to their caller), with the attribution category of each.
 * Idle time is left out; percentages are of the rest. The whole profile counts, start-up included
 * (where require-in-the-middle patches modules); the bench's --profile table counts only its windows.
 */
import { category, readProfile, timeByOwner } from './cpuprofile';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: node bench/dist/profile-summary.js <file.cpuprofile>…\n');
  process.exit(2);
}
const total = new Map<string, number>();
for (const file of files) for (const [who, micros] of timeByOwner(readProfile(file))) total.set(who, (total.get(who) ?? 0) + micros);
total.delete('(idle)');
const busy = [...total.values()].reduce((a, b) => a + b, 0);
const rows = [...total].sort((a, b) => b[1] - a[1]);
const lines = [`${files.length} profile(s), ${(busy / 1000).toFixed(0)} ms sampled busy`, '', '| package | ms | share | category |', '| --- | ---: | ---: | --- |'];
for (const [who, micros] of rows) {
  if (micros / busy >= 0.001) lines.push(`| ${who} | ${(micros / 1000).toFixed(1)} | ${((micros / busy) * 100).toFixed(1)}% | ${category(who)} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
