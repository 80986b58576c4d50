/**
 * React's production build unless someone asks otherwise. The bundle holds both
 * builds and React picks one by NODE_ENV when it is first loaded, so this module
 * must be the first thing tui/main.tsx imports. The development build costs about
 * twice the CPU and memory per frame (React 19 records a stack for every element).
 */
process.env.NODE_ENV ??= 'production';
