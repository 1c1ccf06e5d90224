/// <reference types="vite/client" />
import type { WorkbenchApi } from '../../shared/api';

declare global {
  interface Window {
    /** Set by the Electron preload (or the web host's bridge); absent when the page runs alone. */
    workbench?: WorkbenchApi;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
