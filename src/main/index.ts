/**
 * Electron main: one window with Electron's security defaults kept on, and one IPC handler per contract call.
 * Kept thin on purpose: everything it does is the engine's, which the CLI and the web host share.
 */
import { app, BrowserWindow, dialog, ipcMain, screen, session, shell, type IpcMainInvokeEvent } from 'electron';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { EVENT_CHANNEL, ipcChannel, WORKBENCH_CALLS } from '../shared/api.js';
import { checkCallArguments } from '../shared/call-arguments.js';
import { CHOOSE_MODEL_FOLDER_CHANNEL, CHOOSE_REPORT_FOLDER_CHANNEL } from '../shared/dialogs.js';
import { boundsToRestore, parseWindowState, type WindowState } from './window-state.js';
import { EngineWorker } from '../engine/worker/client.js';

// The engine runs in a worker thread so that a long job never blocks the window's IPC.
const engine = new EngineWorker({ resourcesDir: join(app.getAppPath(), 'resources') });
let mainWindow: BrowserWindow | undefined;

function windowStatePath(): string {
  return join(app.getPath('userData'), 'window-state.json');
}

function readWindowState(): WindowState | undefined {
  try {
    return parseWindowState(readFileSync(windowStatePath(), 'utf8'));
  } catch {
    return undefined;
  }
}

function createWindow(): BrowserWindow {
  const saved = readWindowState();
  const window = new BrowserWindow({
    ...boundsToRestore(
      saved,
      screen.getAllDisplays().map((display) => display.workArea),
    ),
    show: false,
    title: 'XAI Workbench',
    webPreferences: {
      preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.once('ready-to-show', () => {
    if (saved?.maximized) window.maximize();
    window.show();
  });
  window.on('close', () => {
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    writeFileSync(windowStatePath(), JSON.stringify(state));
  });
  // The app never navigates away or opens windows; links go to the user's browser.
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void window.loadFile(fileURLToPath(new URL('../renderer/index.html', import.meta.url)));
  return window;
}

/** Only our own window may call the engine. */
function fromOurWindow(event: IpcMainInvokeEvent): boolean {
  return mainWindow !== undefined && event.sender === mainWindow.webContents;
}

function registerIpc(): void {
  for (const call of WORKBENCH_CALLS) {
    ipcMain.handle(ipcChannel(call), (event, ...args: unknown[]) => {
      if (!fromOurWindow(event)) throw new Error('refused: IPC from an unknown sender');
      // The same checks as the web host's: a wrong argument is refused here with its path, not deep in the engine.
      checkCallArguments(call, args);
      return engine.call(call, args);
    });
  }
  engine.onEvent((event) => mainWindow?.webContents.send(EVENT_CHANNEL, event));
  ipcMain.handle(CHOOSE_REPORT_FOLDER_CHANNEL, async (event) => {
    if (!fromOurWindow(event) || !mainWindow) throw new Error('refused: IPC from an unknown sender');
    // A save dialog, not an open one: a report goes into a new folder (the engine refuses an existing one).
    const { canceled, filePath } = await dialog.showSaveDialog(mainWindow, {
      title: 'Save report',
      buttonLabel: 'Save report',
      defaultPath: 'xai-report',
      properties: ['createDirectory'],
    });
    return canceled || !filePath ? undefined : filePath;
  });
  ipcMain.handle(CHOOSE_MODEL_FOLDER_CHANNEL, async (event) => {
    if (!fromOurWindow(event) || !mainWindow) throw new Error('refused: IPC from an unknown sender');
    const { canceled, filePaths } = await dialog.showOpenDialog(mainWindow, {
      title: 'Open model folder (config.json, tokenizer.json, onnx/model.onnx)',
      properties: ['openDirectory'],
    });
    return canceled ? undefined : filePaths[0];
  });
}

app.enableSandbox();
void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  registerIpc();
  mainWindow = createWindow();
});
app.on('window-all-closed', () => {
  void engine.terminate().finally(() => app.quit());
});
