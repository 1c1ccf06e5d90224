import { createApp } from 'vue';
import App from './App.vue';
import './styles/design.css';

createApp(App).mount('#app');
