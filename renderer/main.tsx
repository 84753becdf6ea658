/** Renderer entry: mounts the dashboard, or the "Bridge unavailable" screen without a preload. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { getBridge } from './bridge';
import { BridgeUnavailable } from './components/bridge-unavailable';
import './styles.css';

const container = document.getElementById('root');
if (container) {
  const bridge = getBridge();
  createRoot(container).render(<StrictMode>{bridge ? <App bridge={bridge} /> : <BridgeUnavailable />}</StrictMode>);
}
