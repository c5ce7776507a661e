/**
 * French catalogue: the source of every user-visible string of the web client (PRODUCT.md: French
 * first). `en.ts` must have exactly the same keys (enforced by its type). Placeholders are `{name}`.
 * Keys that end with a problem code (`problem.auth.locked`) or a policy id (`violation.too_short`) are
 * looked up dynamically; `catalogue.test.ts` checks every code and id has its entry.
 */
export const fr = {
  'app.serviceName': 'Messagerie',
  'app.tagline': 'Messagerie, agenda et contacts',
  'app.defaultInstitution': 'Messagerie institutionnelle',
  'app.logoAlt': 'Logo de {institution}',

  'shell.skipToContent': 'Aller au contenu',
  'shell.languageSwitch': 'English',
  'shell.languageSwitchLang': 'en',
  'shell.footer.help': 'Aide et assistance',
  'shell.footer.about': '{institution} — service de messagerie fourni avec Facteur, logiciel libre.',
  'shell.footer.privacy': 'Vos messages sont hébergés par votre établissement.',
  'shell.loading': 'Chargement…',
  'shell.error.heading': 'Le service est momentanément indisponible',
  'shell.error.retry': 'Réessayer',
  'shell.signOut': 'Se déconnecter',

  'title.signIn': 'Connexion',
  'title.changePassword': 'Changement du mot de passe',
  'title.home': 'Accueil',
  'title.mailClientSetup': 'Configurer ma messagerie',
  'title.loading': 'Chargement',
  'title.error': 'Service indisponible',

  'form.required': 'Tous les champs sont obligatoires.',
  'form.errorSummary': 'Corrigez les erreurs suivantes :',

  'password.show': 'Afficher',
  'password.hide': 'Masquer',

  'signIn.heading': 'Connexion à votre messagerie',
  'signIn.intro': 'Utilisez votre identifiant ou votre adresse électronique professionnelle.',
  'signIn.login.label': 'Identifiant ou adresse électronique',
  'signIn.login.hint': 'Par exemple : sdupont ou sylvie.dupont@{domain}',
  'signIn.password.label': 'Mot de passe',
  'signIn.submit': 'Se connecter',
  'signIn.pending': 'Connexion en cours…',
  'signIn.required.login': 'Saisissez votre identifiant ou votre adresse électronique.',
  'signIn.required.password': 'Saisissez votre mot de passe.',
  'signIn.errorTitle': 'Connexion impossible',
  'signIn.signedOut': 'Votre session est fermée. À bientôt !',
  'signIn.security':
    'Ne communiquez jamais votre mot de passe : l’assistance ne vous le demandera jamais, ni par courriel ni par téléphone.',
  'signIn.help.heading': 'Besoin d’aide ?',
  'signIn.help.identifierQuestion': 'Identifiant oublié ?',
  'signIn.help.identifierAnswer':
    'Votre identifiant est en général l’initiale de votre prénom suivie de votre nom, sans accent ni espace (Sylvie Dupont : sdupont). La récupération en ligne sera bientôt disponible ; en attendant, adressez-vous à l’assistance.',
  'signIn.help.passwordQuestion': 'Mot de passe oublié ?',
  'signIn.help.passwordAnswer':
    'La réinitialisation en ligne sera bientôt disponible. En attendant, l’assistance de votre établissement peut vous attribuer un mot de passe provisoire.',
  'signIn.help.firstQuestion': 'Première connexion ?',
  'signIn.help.firstAnswer':
    'Utilisez le mot de passe provisoire qui vous a été remis (par exemple votre NUMEN). Vous choisirez ensuite votre propre mot de passe.',
  'signIn.help.link': 'Consulter l’aide en ligne',

  'announcements.heading': 'Informations',
  'announcements.kind.info': 'Information',
  'announcements.kind.maintenance': 'Maintenance programmée',

  'changePassword.heading': 'Choisissez votre mot de passe',
  'changePassword.intro': 'Pour votre sécurité, choisissez un nouveau mot de passe avant de continuer.',
  'changePassword.introDetail':
    'Le mot de passe provisoire qui vous a été remis ne sert que pour cette première connexion. Votre nouveau mot de passe vous servira pour la messagerie, l’agenda et les logiciels de messagerie.',
  'changePassword.current.label': 'Mot de passe actuel',
  'changePassword.current.hint': 'Le mot de passe avec lequel vous venez de vous connecter.',
  'changePassword.new.label': 'Nouveau mot de passe',
  'changePassword.new.hint':
    'Astuce : quelques mots sans rapport, séparés par des symboles et complétés d’un chiffre, se retiennent facilement et se devinent difficilement.',
  'changePassword.confirm.label': 'Confirmer le nouveau mot de passe',
  'changePassword.submit': 'Changer le mot de passe',
  'changePassword.errorTitle': 'Le mot de passe n’a pas été changé',
  'changePassword.violationsIntro': 'Le nouveau mot de passe ne respecte pas les règles :',
  'changePassword.mismatch': 'Les deux saisies du nouveau mot de passe ne sont pas identiques.',
  'changePassword.required.current': 'Saisissez votre mot de passe actuel.',
  'changePassword.required.confirm': 'Saisissez à nouveau le nouveau mot de passe.',
  'changePassword.success': 'Votre mot de passe a été changé.',
  'changePassword.rules.heading': 'Votre nouveau mot de passe doit :',
  'changePassword.rules.summary': '{met} règles respectées sur {total}. Niveau de sécurité : {strength}.',
  'changePassword.rules.summaryEmpty': 'Aucune règle respectée pour le moment.',

  'rule.too_short': 'contenir au moins {min} caractères',
  'rule.no_lowercase': 'contenir une lettre minuscule',
  'rule.no_uppercase': 'contenir une lettre majuscule',
  'rule.no_digit': 'contenir un chiffre',
  'rule.no_symbol': 'contenir un symbole (par exemple ! ? - # ou une espace)',
  'rule.contains_name': 'ne pas contenir votre prénom, votre nom ni votre identifiant',
  'rule.contains_birth_date': 'ne pas contenir votre date de naissance',
  'rule.too_weak': 'être difficile à deviner (niveau « Fort » au moins)',
  'rule.same_as_current': 'être différent du mot de passe actuel',
  'rule.state.met': 'respectée',
  'rule.state.unmet': 'non respectée',
  'rule.state.pending': 'vérifiée à l’envoi',

  'violation.too_short': 'Il contient moins de {min} caractères.',
  'violation.no_lowercase': 'Il ne contient aucune lettre minuscule.',
  'violation.no_uppercase': 'Il ne contient aucune lettre majuscule.',
  'violation.no_digit': 'Il ne contient aucun chiffre.',
  'violation.no_symbol': 'Il ne contient aucun symbole.',
  'violation.contains_name': 'Il contient votre prénom, votre nom ou votre identifiant.',
  'violation.contains_birth_date': 'Il contient votre date de naissance.',
  'violation.too_weak': 'Il est trop facile à deviner.',
  'violation.same_as_current': 'Il est identique au mot de passe actuel.',

  'strength.label': 'Niveau de sécurité :',
  'strength.empty': 'Saisissez un mot de passe pour évaluer son niveau de sécurité.',
  'strength.0': 'Très faible',
  'strength.1': 'Faible',
  'strength.2': 'Moyen',
  'strength.3': 'Fort',
  'strength.4': 'Très fort',
  'strength.suggestions': 'Conseils',

  'suggestion.make_longer': 'Allongez-le : ajoutez un mot ou quelques caractères.',
  'suggestion.add_more_words': 'Utilisez plusieurs mots peu courants plutôt qu’une expression connue.',
  'suggestion.avoid_common_passwords': 'Évitez les mots de passe courants et leurs variantes.',
  'suggestion.avoid_single_word':
    'Un mot seul se devine vite, même complété de chiffres : combinez-en plusieurs.',
  'suggestion.avoid_names': 'Évitez les prénoms, les noms de famille et votre identifiant.',
  'suggestion.avoid_dates': 'Évitez les dates, surtout celles qui vous concernent.',
  'suggestion.avoid_years': 'Évitez les années récentes ou liées à vous.',
  'suggestion.avoid_sequences': 'Évitez les suites comme « abc » ou « 1234 ».',
  'suggestion.avoid_repeats': 'Évitez les répétitions comme « aaa » ou « abcabc ».',
  'suggestion.avoid_keyboard_patterns': 'Évitez les suites de touches du clavier comme « azerty ».',
  'suggestion.avoid_predictable_substitutions':
    'Remplacer des lettres par des chiffres ou des symboles (« @ » pour « a ») ne trompe personne.',
  'suggestion.avoid_reversed_words': 'Un mot écrit à l’envers reste facile à deviner.',
  'suggestion.vary_capitalization':
    'Placez les majuscules ailleurs qu’en début de mot, sans les mettre toutes.',

  'problem.auth.invalid': 'Identifiant ou mot de passe incorrect.',
  'problem.auth.locked':
    'Votre compte est temporairement verrouillé après plusieurs tentatives infructueuses, jusqu’au {until} (heure de votre appareil). L’assistance de votre établissement peut le déverrouiller plus tôt.',
  'problem.auth.locked.noDate':
    'Votre compte est temporairement verrouillé après plusieurs tentatives infructueuses. L’assistance de votre établissement peut le déverrouiller.',
  'problem.auth.disabled': 'Ce compte est désactivé. Contactez l’assistance de votre établissement.',
  'problem.auth.throttled.one': 'Trop de tentatives de connexion. Patientez 1 seconde avant de réessayer.',
  'problem.auth.throttled.other':
    'Trop de tentatives de connexion. Patientez {seconds} secondes avant de réessayer.',
  'problem.auth.required': 'Votre session a expiré. Reconnectez-vous.',
  'problem.csrf.invalid': 'La page a expiré. Rechargez-la puis réessayez.',
  'problem.auth.password_change_required': 'Vous devez changer votre mot de passe avant de continuer.',
  'problem.request.invalid': 'La demande est incomplète ou invalide. Vérifiez les champs et réessayez.',
  'problem.password.policy': 'Le nouveau mot de passe ne respecte pas les règles.',
  'problem.password.current_wrong': 'Le mot de passe actuel est incorrect.',
  'problem.client.network': 'Le serveur est injoignable. Vérifiez votre connexion à Internet et réessayez.',
  'problem.client.timeout': 'Le serveur met trop de temps à répondre. Réessayez dans un instant.',
  'problem.client.server': 'Le service rencontre un problème technique. Réessayez dans quelques minutes.',
  'problem.client.unexpected':
    'Une erreur inattendue est survenue (code : {code}). Réessayez ; si le problème persiste, contactez l’assistance.',

  'home.heading': 'Bonjour {name}',
  'home.intro': 'Votre session est ouverte sur la messagerie de {institution}.',
  'home.account.heading': 'Votre compte',
  'home.account.name': 'Nom',
  'home.account.identifier': 'Identifiant',
  'home.account.address': 'Adresse électronique',
  'home.comingSoon':
    'Votre boîte de réception, votre agenda et vos contacts s’afficheront ici prochainement.',
  'home.mailClients.heading': 'Logiciels de messagerie',
  'home.mailClients.intro':
    'Vous pouvez aussi lire et envoyer vos messages avec Thunderbird, Outlook, Apple Mail ou l’application de votre téléphone.',
  'home.mailClients.link': 'Configurer ma messagerie',

  'nav.breadcrumb': 'Fil d’Ariane',
  'nav.home': 'Accueil',

  'setup.heading': 'Configurer ma messagerie',
  'setup.intro':
    'Lisez et envoyez vos messages avec le logiciel de votre choix, sur ordinateur, tablette ou téléphone. Vos dossiers restent les mêmes que dans la messagerie en ligne.',
  'setup.automatic.heading': 'Thunderbird et Outlook',
  'setup.automatic.body':
    'Thunderbird et Outlook trouvent en général les réglages tout seuls : ajoutez un compte, puis saisissez votre adresse {address} et votre mot de passe. Si le logiciel vous demande des réglages, utilisez les réglages manuels ci-dessous.',
  'setup.apple.heading': 'iPhone, iPad et Mac',
  'setup.apple.body':
    'Téléchargez le profil de configuration, puis installez-le. Sur iPhone ou iPad : ouvrez Réglages et touchez « Profil téléchargé ». Sur Mac : ouvrez le fichier, puis validez l’installation dans Réglages Système. Votre mot de passe vous sera demandé.',
  'setup.apple.download': 'Télécharger le profil de configuration',
  'setup.apple.file': '(fichier .mobileconfig, 3 ko)',
  'setup.apple.unverified':
    'Votre appareil peut signaler que le profil n’est pas signé ou pas vérifié : installez-le seulement s’il vient de cette page.',
  'setup.manual.heading': 'Réglages manuels',
  'setup.manual.intro':
    'Pour les autres logiciels et applications (K-9 Mail, Thunderbird pour Android, application de messagerie de votre téléphone…), choisissez un compte IMAP et saisissez les valeurs suivantes.',
  'setup.loadError': 'Les réglages n’ont pas pu être chargés',
  'setup.incoming.heading': 'Serveur de réception (IMAP)',
  'setup.outgoing.heading': 'Serveur d’envoi (SMTP)',
  'setup.field.host': 'Serveur',
  'setup.field.port': 'Port',
  'setup.field.security': 'Sécurité de la connexion',
  'setup.field.username': 'Nom d’utilisateur',
  'setup.field.authentication': 'Authentification',
  'setup.authentication.password': 'Mot de passe normal',
  'setup.alternative': 'Si votre logiciel ne propose pas {security} : port {port} avec {alternative}.',
  'setup.copy': 'Copier',
  'setup.incoming.host.copy': 'le nom du serveur de réception',
  'setup.incoming.port.copy': 'le port du serveur de réception',
  'setup.incoming.username.copy': 'le nom d’utilisateur du serveur de réception',
  'setup.outgoing.host.copy': 'le nom du serveur d’envoi',
  'setup.outgoing.port.copy': 'le port du serveur d’envoi',
  'setup.outgoing.username.copy': 'le nom d’utilisateur du serveur d’envoi',
  'setup.copied': 'Copié dans le presse-papiers : {value}',
  'setup.copiedShort': 'Copié',
  'setup.copyFailed':
    'La copie n’a pas fonctionné. La valeur est sélectionnée : copiez-la avec Ctrl+C (Cmd+C sur Mac).',
  'setup.password.heading': 'Mot de passe',
  'setup.password.body':
    'Utilisez le mot de passe de votre compte, celui avec lequel vous vous connectez ici. Si vous le changez, saisissez le nouveau dans chacun de vos logiciels de messagerie.',
} as const satisfies Record<string, string>;

export type MessageId = keyof typeof fr;
export type Catalogue = { readonly [K in MessageId]: string };
