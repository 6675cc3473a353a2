// Build of the task pane (taskpane.html) and the MSAL Office-dialog page (dialog.html).
// Every setting comes from CANDOR_* environment variables; docs/deploy.md lists them all.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { EsbuildPlugin } from 'esbuild-loader';
import HtmlWebpackPlugin from 'html-webpack-plugin';
import webpack from 'webpack';

const root = dirname(fileURLToPath(import.meta.url));

/** The URL the manifest and the dev server use; production builds replace it with CANDOR_PUBLIC_URL. */
export const DEV_PUBLIC_URL = 'https://localhost:3000';
/** Microsoft requires add-ins to load Office.js from its CDN. */
export const OFFICE_JS_CDN_URL = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';
/** Same value as DEMO_API_CLIENT_ID in src/server/config.ts (test/build checks they agree). */
export const DEMO_CLIENT_ID = 'c0ffee00-0000-4000-8000-00000000c4d0';
const DEV_PORT = 3000;
const OFFICE_JS_DIST = join(root, 'node_modules/@microsoft/office-js/dist');
// Browsers that host Outlook add-ins: WebView2 (Chromium), WKWebView (Safari 15+), current browsers.
const TARGET = ['es2020', 'chrome90', 'safari15'];

const stripSlash = (url) => url.replace(/\/+$/, '');

/**
 * The task pane's PaneConfig (src/taskpane/config.ts) derived from the environment. Relative URLs
 * mean "same origin as the pane" and are resolved in the browser. Without CANDOR_CLIENT_ID the pane
 * is built in demo mode against the local emulator.
 */
export function paneConfigFromEnv(env = process.env) {
  const publicUrl = stripSlash(env.CANDOR_PUBLIC_URL ?? '');
  const host = new URL(publicUrl || DEV_PUBLIC_URL).host;
  const clientId = env.CANDOR_CLIENT_ID?.trim() ?? '';
  const demo = clientId === '';
  const id = demo ? DEMO_CLIENT_ID : clientId;
  const appIdUri = stripSlash(env.CANDOR_API_APP_ID_URI ?? `api://${host}/${id}`);
  return {
    mode: demo ? 'demo' : 'entra',
    clientId: id,
    authority: stripSlash(
      env.CANDOR_AUTHORITY ??
        (demo ? '/emulator/identity/organizations/v2.0' : 'https://login.microsoftonline.com/organizations'),
    ),
    apiBaseUrl: stripSlash(env.CANDOR_API_URL ?? ''),
    apiScope: `${appIdUri}/access_as_user`,
    graphBaseUrl: demo ? '/emulator/graph/v1.0' : 'https://graph.microsoft.com/v1.0',
    demoTokenUrl: demo ? '/emulator/identity/demo/token' : '',
    dialogUrl: `${publicUrl}/dialog.html`,
    redirectUri: `${publicUrl}/taskpane.html`,
  };
}

/**
 * Rewrites the dev manifest for a deployment: the dev origin becomes the public URL, and the demo
 * client id (WebApplicationInfo Id and the api:// resource) becomes the real one.
 */
export function productionManifest(xml, { publicUrl, clientId, appIdUri }) {
  const url = stripSlash(publicUrl);
  const host = new URL(url).host;
  const id = clientId || DEMO_CLIENT_ID;
  const resource = stripSlash(appIdUri || `api://${host}/${id}`);
  return xml
    .replaceAll(`api://localhost:${DEV_PORT}/${DEMO_CLIENT_ID}`, resource)
    .replaceAll(`${DEV_PUBLIC_URL}`, url)
    .replaceAll(`<Id>${DEMO_CLIENT_ID}</Id>`, `<Id>${id}</Id>`);
}

/** HTTPS for the dev server: an explicit cert, else office-addin-dev-certs' files, else a self-signed one. */
function devHttps(env) {
  if (env.CANDOR_DEV_CERT || env.CANDOR_DEV_KEY) {
    if (!env.CANDOR_DEV_CERT || !env.CANDOR_DEV_KEY)
      throw new Error('Set both CANDOR_DEV_CERT and CANDOR_DEV_KEY');
    return {
      type: 'https',
      options: { cert: readFileSync(env.CANDOR_DEV_CERT), key: readFileSync(env.CANDOR_DEV_KEY) },
    };
  }
  // Written by `npx office-addin-dev-certs install` (which also trusts its CA); read, never generated here.
  const dir = join(homedir(), '.office-addin-dev-certs');
  const [ca, cert, key] = ['ca.crt', 'localhost.crt', 'localhost.key'].map((f) => join(dir, f));
  if ([ca, cert, key].every((f) => existsSync(f))) {
    return {
      type: 'https',
      options: { ca: readFileSync(ca), cert: readFileSync(cert), key: readFileSync(key) },
    };
  }
  // webpack-dev-server generates a self-signed certificate offline; browsers and Outlook must be told to trust it.
  return 'https';
}

/** Where a production build keeps its source maps: beside the output folder, never inside it. */
export const sourceMapDir = (outputPath) => `${outputPath.replace(/[/\\]+$/, '')}-sourcemaps`;

/**
 * Production source maps stay out of what is served: webpack writes them as hidden maps (no
 * sourceMappingURL comment in the scripts), and this plugin takes every .map out of the emitted
 * assets and writes it to sourceMapDir(output path) instead — for decoding stack traces, never
 * deployed with dist/.
 */
class SourceMapsOutsideOutput {
  apply(compiler) {
    const { Compilation } = compiler.webpack;
    const name = 'SourceMapsOutsideOutput';
    const maps = new Map();
    compiler.hooks.thisCompilation.tap(name, (compilation) => {
      maps.clear();
      compilation.hooks.processAssets.tap(
        { name, stage: Compilation.PROCESS_ASSETS_STAGE_REPORT },
        (assets) => {
          for (const file of Object.keys(assets)) {
            if (!file.endsWith('.map')) continue;
            maps.set(file, assets[file].buffer());
            compilation.deleteAsset(file);
          }
        },
      );
    });
    compiler.hooks.afterEmit.tap(name, (compilation) => {
      const dir = sourceMapDir(compilation.outputOptions.path);
      rmSync(dir, { recursive: true, force: true });
      for (const [file, bytes] of maps) {
        const target = join(dir, file);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, bytes);
      }
    });
  }
}

function htmlPage(filename, chunks, title, officeJsUrl) {
  return new HtmlWebpackPlugin({
    filename,
    chunks,
    template: join(root, 'src/taskpane/index.html'),
    title,
    officeJsUrl,
    scriptLoading: 'defer',
  });
}

export default (_cliEnv, argv) => {
  const env = process.env;
  const production = argv.mode === 'production';
  const serving = Boolean(_cliEnv?.WEBPACK_SERVE);
  const pane = paneConfigFromEnv(env);
  const publicUrl = env.CANDOR_PUBLIC_URL ? stripSlash(env.CANDOR_PUBLIC_URL) : '';
  if (production && pane.mode === 'entra' && !publicUrl) {
    throw new Error(
      'CANDOR_CLIENT_ID is set: a deployment build also needs CANDOR_PUBLIC_URL (https://<host>)',
    );
  }
  if (publicUrl && !publicUrl.startsWith('https://'))
    throw new Error('CANDOR_PUBLIC_URL must be an https:// URL');
  // `npm start` builds with --env local: the server then prints the manifest for its own address.
  if (production && !publicUrl && !_cliEnv?.local) {
    console.warn(
      'CANDOR_PUBLIC_URL is not set: dist/manifest.xml points at https://localhost:3000 (local demo only).',
    );
  }
  const officeJsUrl = env.CANDOR_OFFICE_JS_URL || OFFICE_JS_CDN_URL;
  const hashed = production ? '.[contenthash:8]' : '';

  return {
    mode: production ? 'production' : 'development',
    context: root,
    entry: {
      taskpane: './src/taskpane/index.tsx',
      'auth-dialog': './src/auth/dialog/index.ts',
    },
    output: {
      path: join(root, 'dist'),
      filename: `[name]${hashed}.js`,
      chunkFilename: `[name]${hashed}.js`,
      assetModuleFilename: `assets/[name]${hashed}[ext]`,
      publicPath: 'auto', // relative URLs: the pane also works under a sub-path
      clean: true,
    },
    // Production: hidden maps, moved out of the output folder (SourceMapsOutsideOutput), so the
    // server never hands our sources out; errors stay decodable from <output>-sourcemaps/.
    devtool: production ? 'hidden-source-map' : 'eval-cheap-module-source-map',
    resolve: {
      extensions: ['.tsx', '.ts', '.js'],
      // @hpke/common falls back to Node's `crypto` only where WebCrypto is missing; browsers have it.
      fallback: { crypto: false },
    },
    module: {
      rules: [
        {
          // Transpile only; `npm run typecheck` does the type checking.
          test: /\.tsx?$/,
          exclude: /node_modules/,
          loader: 'esbuild-loader',
          options: { target: TARGET, jsx: 'automatic' },
        },
        { test: /\.(png|svg|jpe?g|gif|woff2?)$/, type: 'asset/resource' },
      ],
    },
    // office.js is a global from Microsoft's CDN, never bundled.
    externals: { 'office-js': 'Office' },
    optimization: {
      minimizer: [new EsbuildPlugin({ target: TARGET, legalComments: 'none' })],
      // Dynamic import() chunks (MSAL, Graph client, campaign screens) load on demand; shared vendor code
      // between entries is split so each page loads only what it uses.
      splitChunks: { chunks: 'all' },
      moduleIds: production ? 'deterministic' : 'named',
    },
    performance: { hints: false }, // `npm run size` enforces the first-load budget instead
    plugins: [
      ...(production ? [new SourceMapsOutsideOutput()] : []),
      new webpack.DefinePlugin({ __CANDOR_PANE_CONFIG__: JSON.stringify(pane) }),
      htmlPage('taskpane.html', ['taskpane'], 'Candor', officeJsUrl),
      htmlPage('dialog.html', ['auth-dialog'], 'Candor sign-in', officeJsUrl),
      // The manifest's FunctionFile: Candor has no function commands, so it only loads office.js.
      htmlPage('commands.html', [], 'Candor commands', officeJsUrl),
      new CopyWebpackPlugin({
        patterns: [
          { from: 'assets', to: 'assets', noErrorOnMissing: true },
          {
            from: 'manifest.xml',
            to: 'manifest.xml',
            transform: (content) =>
              production && publicUrl
                ? productionManifest(content.toString(), {
                    publicUrl,
                    clientId: env.CANDOR_CLIENT_ID?.trim(),
                    appIdUri: env.CANDOR_API_APP_ID_URI,
                  })
                : content,
          },
        ],
      }),
    ],
    devServer: {
      host: '127.0.0.1',
      port: DEV_PORT,
      allowedHosts: ['localhost', '127.0.0.1'],
      server: serving ? devHttps(env) : 'https',
      // A local copy of office.js for offline work: set CANDOR_OFFICE_JS_URL=/vendor/office.js.
      // The loader fetches sibling files from its own folder, so the whole dist/ is served.
      static: [{ directory: OFFICE_JS_DIST, publicPath: '/vendor', watch: false }],
      proxy: [
        {
          context: ['/api', '/o', '/emulator'],
          target: env.CANDOR_BACKEND_URL || 'http://127.0.0.1:3001',
        },
      ],
      hot: true,
      client: { overlay: { warnings: false } },
      historyApiFallback: false,
    },
  };
};

export const paths = { root, dist: resolve(root, 'dist'), officeJsDist: OFFICE_JS_DIST };
