/// <reference types="vite/client" />
import type { WorkbenchBridge } from '../../shared/api';
import type { WorkbenchDialogs } from '../../shared/dialogs';

declare global {
  interface Window {
    /** Set by the Electron preload (or the web host's bridge); absent when the page runs alone. */
    workbench?: WorkbenchBridge;
    /** Native dialogs, set by the Electron preload only. */
    workbenchDialogs?: WorkbenchDialogs;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
