export const ms = (n: number) => `${n.toFixed(1)} ms`;
