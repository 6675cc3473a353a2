// Types for the parts of webpack.config.js that tests and scripts import.
import type { Configuration } from 'webpack';
import type { Configuration as DevServerConfiguration } from 'webpack-dev-server';
import type { PaneConfig } from './src/taskpane/config';

export declare const DEV_PUBLIC_URL: string;
export declare const OFFICE_JS_CDN_URL: string;
export declare const DEMO_CLIENT_ID: string;
export declare function paneConfigFromEnv(env?: NodeJS.ProcessEnv): PaneConfig;
export declare function productionManifest(
  xml: string,
  settings: { publicUrl: string; clientId?: string; appIdUri?: string },
): string;
export declare const paths: { root: string; dist: string; officeJsDist: string };
/** Where a production build into `outputPath` keeps its source maps (never inside it). */
export declare function sourceMapDir(outputPath: string): string;
declare function config(
  cliEnv: Record<string, unknown> | undefined,
  argv: { mode?: string },
): Configuration & { devServer: DevServerConfiguration };
export default config;
