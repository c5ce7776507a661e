import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LocaleProvider } from './i18n/locale-context';
import { App } from './shell/App';
import { startTheme } from './ui/theme';
import './ui/theme.css';
import './ui/components.css';
import './shell/shell.css';
import './mail/mail.css';

startTheme();
const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');

createRoot(root).render(
  <StrictMode>
    <LocaleProvider>
      <App />
    </LocaleProvider>
  </StrictMode>,
);
