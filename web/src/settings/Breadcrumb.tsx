import { useT } from '../i18n/locale-context';
import { Link } from '../shell/router';

/** "Accueil › <this page>": where a settings page sits, as a labelled navigation (RGAA 12.2). */
export function Breadcrumb({ current }: { current: string }) {
  const t = useT();
  return (
    <nav className="breadcrumb" aria-label={t('nav.breadcrumb')}>
      <ol className="breadcrumb__list">
        <li>
          <Link to="home">{t('nav.home')}</Link>
        </li>
        <li aria-current="page">{current}</li>
      </ol>
    </nav>
  );
}
