/**
 * Native dialogs the Electron face offers beside the contract, as `window.workbenchDialogs`. They are not
 * engine calls (the engine has no windows), and browser mode has none: there the UI asks for a path instead.
 */
export interface WorkbenchDialogs {
  /** A path for a new report folder, or undefined when the user cancels. */
  chooseReportFolder(): Promise<string | undefined>;
  /** An existing model folder (transformers.js layout), or undefined when the user cancels. */
  chooseModelFolder(): Promise<string | undefined>;
}

export const CHOOSE_REPORT_FOLDER_CHANNEL = 'dialog:chooseReportFolder';
export const CHOOSE_MODEL_FOLDER_CHANNEL = 'dialog:chooseModelFolder';
