export * from './types';
export { LogHub, consoleSink, fileSink, levelFromConfig, type LogSink } from './logger';
export { Redactor } from './redact';
export { consoleLine, fileLine } from './format';
