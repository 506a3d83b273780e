export { DEFAULTS, JOURNEYS, parseOptions, type Journey, type LoadOptions } from './options';
export { pickJourney, plan } from './journeys';
export { run } from './runner';
export { Stats, isError, type Outcome } from './stats';
export { progressLine, summary } from './report';
