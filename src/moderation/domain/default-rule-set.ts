import type { RuleSet } from './rule-set';

/**
 * The rules Arena starts with, before an admin changes any. Slurs and sexual words are listed because
 * finding them is this filter's job; the lists are kept short and canonical, and what a player may
 * legitimately say that contains them ("Scunthorpe", "cocktail", "therapist") is in `allow`.
 * Phrases carry the context: "killer app" and "kill it at the talent show" are not threats, and a threat
 * has a speaker and a victim ("the boss will kill you" is advice). Telling someone to kill themselves is
 * SELF_HARM (encouraging it), not THREAT. Swearing is SEXUAL only where it is sexual slang ("fuck");
 * mild profanity ("shit", "damn", "hell") is not blocked.
 */
export const DEFAULT_RULE_SET: RuleSet = {
  version: 'default-1',
  lists: {
    // Contractions are read in full ("i'll" is "i will"); "ill" and "im" are the same typed without apostrophes.
    i_will: [
      'i will', 'ill', 'i am going to', 'im going to', 'i am gonna', 'im gonna', 'imma', 'ima', 'i swear i will',
      'i swear ill',
    ],
    i_want_to: ['i want to', 'i wanna', 'i should'],
    harm: [
      'kill', 'murder', 'stab', 'shoot', 'strangle', 'choke', 'hurt', 'rape', 'molest', 'behead', 'slaughter', 'kidnap',
      'butcher', 'beat up',
    ],
    you: ['you', 'u', 'ya'],
    your: ['your', 'ur'],
    victim: ['you', 'u', 'ya', 'your family', 'ur family', 'your mom', 'ur mom', 'your kids', 'your whole family'],
    yourself: ['yourself', 'urself', 'ur self', 'your self', 'yourselves', 'yoself'],
    group: ['jews', 'blacks', 'gays', 'muslims', 'immigrants', 'mexicans', 'trans people', 'asians', 'women'],
  },
  categories: {
    THREAT: {
      terms: [],
      phrases: [
        '{i_will} (really|fucking|literally|personally|come and|come)? {harm} {victim}',
        '{i_want_to} {harm} {victim}',
        '{i_will} (find|hunt|track) {you} (down|irl|in real life)',
        '(hunt|track) {you} down',
        'find {you} and (kill|hurt|murder|rape|stab|shoot) {you}',
        '(i know|i found|find|find out) where {you} (live|sleep|go to school)',
        '(i know|i have|i got|i have got|ive got|i found) {your} (home address|address|ip address|ip)',
        '{i_will} (burn|bomb|blow up|shoot up|swat) {your} (house|home|school|family)',
        '(shoot|bomb|blow) up (the|this|your|ur|my) school',
        '(i hope|hope) {you} (die|get raped|get killed|get cancer)',
        '{you} deserve to (die|be raped|get raped)',
        '{i_will} (slit|cut) {your} throat',
        '{i_will} (break|snap) {your} (neck|legs|arms)',
        '({you}|you are|youre) (dead|gonna die|going to die) (irl|in real life)',
        '(put|putting|i will put|ill put) a bullet (in|through) {your} (head|skull|face)',
        '{you} (will not|wont) (live|survive) (to see|until|till) tomorrow',
        'sleep with one eye open',
      ],
      allow: ['{i_will} shoot {you} (a|an|the) (text|message|msg|email|dm|pm|line|link|invite)'],
    },
    SELF_HARM: {
      terms: ['kys', 'unalive'],
      phrases: [
        '(kill|hang|drown|off|end|unalive|neck) {yourself}',
        '(drink|go drink|chug) bleach',
        '(slit|cut) {your} wrists',
        '(end|take) {your} (own)? life',
        '(nobody|no one|noone) (would|will|is gonna|is going to) miss {you}',
        '(the world|everyone) (would be|is|will be) better (off)? without {you}',
        // What a player says about themselves is blocked too: the service may answer it with help.
        '({i_will}|{i_want_to}|gonna) (kill|hurt|cut|hang) myself',
        '({i_will}|{i_want_to}) end (my life|it all)',
        '(commit|committing|committed) suicide',
        '(im|i am|i feel|feeling) suicidal',
        'how to (kill myself|commit suicide)',
        '(go|just go|pls|please) die in a (fire|hole|ditch)',
      ],
    },
    HATE: {
      terms: [
        '*nigger*', '*nigga*', '*faggot*', 'fag', 'fags', 'faggy', '*kike*', 'spic', 'spics', 'chink', 'chinks',
        'tranny', 'trannies', 'retard', 'retards', 'retarded', '*wetback*', 'gook', 'gooks', '*towelhead*',
        '*raghead*', 'paki', 'pakis', 'beaner', 'beaners',
      ],
      phrases: [
        '(gas|kill|exterminate|lynch|hang|deport) (the|all|all the) {group}',
        '{group} (are|r) (subhuman|animals|vermin|parasites|cockroaches|inferior|a disease)',
        '{group} (should|must|need to|deserve to) (die|be killed|be gassed|be shot|be exterminated|burn)',
        'i hate (all)? (the)? {group}',
        '(heil|hail) hitler',
        'sieg heil',
        'white power',
        'hitler (was right|did nothing wrong)',
        'holocaust (never happened|did not happen|didnt happen|was a hoax|is a lie)',
        '(go back to|get back to) {your} (own)? country',
      ],
      // Some only matter in names, where long words are also found inside other words.
      allow: [
        '*snigger*', '*niggard*', 'chink in (the|his|her|their|my|your|our) (armor|armour)', '(chink|chinks) of light',
        'retardant*', 'retardation', 'retarding',
      ],
    },
    SEXUAL: {
      terms: [
        '*fuck*', 'fuk', 'fukin', 'fuking', '*fck*', 'phuck*', '*cunt*', 'cock', 'cocks', '*cocksuck*', 'dick', 'dicks',
        'dickhead*', 'pussy*', 'pussies', 'porn*', 'blowjob*', 'handjob*', 'masturbat*', 'dildo*', 'cum', 'cumming',
        'cumshot*', 'horny*', 'nudes', 'nudez', 'noodz', 'tits', 'titties', 'boobs', 'slut*', 'whore*', 'rape', 'raped',
        'raping', 'rapist*', 'penis*', 'vagina*',
      ],
      phrases: [
        '(have|having|had|want to have|wanna have) sex',
        'anal sex',
        '(jerk|jerking|jacking|jack) off',
        '(send|show) (me)? {your} (nudes|boobs|tits|dick|body)',
        '(suck|lick) (my|your|ur) (balls|nipples)',
        '(send|show) (me)? (a|some|your|ur)? (naked|nude) (pic|pics|photo|photos|picture|pictures|selfie|selfies)',
        '(see|show) ({you}|yourself|urself|me) naked',
      ],
      // Words that hold a short term are listed for text typed letter by letter ("c o c k t a i l"), which is
      // read run together; "rapped" reads as "raped" because a letter written once may be typed twice. In
      // run-together text an allow entry covers exactly the letters it spells ("*therapist*", not "therap*").
      allow: [
        'scunthorpe*', 'cocktail*', 'cockpit*', 'cockney*', 'cockroach*', 'cockatoo*', '*peacock*', '*hancock*',
        '*hitchcock*', 'shuttlecock*', 'moby dick*', 'dick (grayson|tracy|van dyke)*', "dick's sporting goods",
        'dickens*', 'dickinson*', 'dickson*', '(summa|magna)? cum laude', '*grape*', '*drape*', '*scrape*', 'trapeze*',
        '*rapped*', '*rapping*', '*scraping*', '*draping*', 'trappist*', '*therapist*', 'document*', 'cucumber*',
        'circumstance*', 'cumulative', 'accumulat*', 'cumberland*', 'cummings*', '*scum*', 'pen island*', 'penisland*',
        'penistone*', 'pussycat*', 'pussy (cat|cats|willow|willows)', 'pussyfoot*', '(blue|great|coal) (tit|tits)',
        'title*', 'constitution*',
      ],
    },
    // Phone numbers and email addresses are found by code (personal-info.ts); street addresses only by phrase.
    PERSONAL_INFO: {
      terms: [],
      phrases: ['my (home|street)? address is'],
    },
  },
};
