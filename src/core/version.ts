declare const HMS_VERSION: string | undefined;

/** Set by the bundler from package.json; '0.0.0-dev' when run from source. */
export const VERSION: string = typeof HMS_VERSION === 'string' ? HMS_VERSION : '0.0.0-dev';
