import { render } from 'preact';
import { App } from './app.tsx';
import { interceptLinks } from './router.tsx';
import './styles.css';

interceptLinks();
const root = document.getElementById('app')!;
// The boot message is plain HTML, not Preact's: clear it before the first render.
root.textContent = '';
render(<App />, root);
