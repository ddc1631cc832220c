import type { RuleSet } from './rule-set';

/**
 * The rules Arena starts with, before an admin changes any. Slurs and sexual words are listed because
 * finding them is this filter's job; the lists are kept short and canonical, and what a player may
 * legitimately say that contains them ("Scunthorpe", "cocktail", "therapist") is in `allow`.
 * Phrases carry the context: "killer app" and "kill it at the talent show" are not threats, and a threat
 * has a speaker and a victim ("the boss will kill you" is advice). Telling someone to kill themselves is
 * SELF_HARM (encouraging it), not THREAT. Swearing is SEXUAL only where it is sexual slang ("fuck");
 * mild profanity ("shit", "damn", "hell") is not blocked.
 *
 * Intents carry what no term list can: a violent act aimed at the reader ("ill beat you to death"), a
 * group noun with a dehumanising or eliminationist predicate ("<group> should all die"), self-harm urged
 * on someone ("do everyone a favour and die"), whatever words stand between. Arena's games are played by
 * killing, executing, voting out and dying, so the game moves (`game_move`, and "die" urged on someone)
 * do not count in a text that talks about the game (`game_context`: "next round", "as mafia", "respawn"),
 * unless it also says it means the real world (`real_world`: "irl", "for real"); acts that are never a
 * move (stabbing, beating to death, slitting a throat) count whatever the context. Game roles and monsters
 * ("the werewolves should all die", "zombies are animals") are not groups of people.
 */
export const DEFAULT_RULE_SET: RuleSet = {
  format: 2,
  version: 'default-2',
  lists: {
    // Contractions are read in full ("i'll" is "i will"); "ill" and "im" are the same typed without apostrophes.
    i_will: [
      'i will', 'ill', 'i am going to', 'im going to', 'i am gonna', 'im gonna', 'imma', 'ima', 'i swear i will',
      'i swear ill',
    ],
    i_want_to: ['i want to', 'i wanna', 'i should'],
    you: ['you', 'u', 'ya'],
    your: ['your', 'ur'],
    yourself: ['yourself', 'urself', 'ur self', 'your self', 'yourselves', 'yoself'],
    // Word classes of the intents.
    speaker_will: [
      'i will', 'ill', 'i am going to', 'im going to', 'i am gonna', 'im gonna', 'imma', 'ima', 'i shall', 'i would',
      'i want to', 'i wanna', 'i should', 'i am about to', 'im about to', 'i am coming to', 'im coming to',
      'i would love to', 'i am gon', 'we will', 'we are going to', 'we are gonna', 'someone should',
      'somebody should', 'someone needs to', 'somebody needs to', 'someone ought to', 'someone is going to',
      'someone will',
    ],
    violent_act: [
      'murder', 'stab', 'strangle', 'choke', 'hurt', 'behead', 'decapitate', 'slaughter', 'kidnap', 'butcher',
      'torture', 'punch', 'slap', 'smack', 'stomp', 'bash', 'drown', 'gut', 'poison', 'maim', 'cripple', 'rape',
      'molest', 'lynch', 'hang', 'run over', 'skin', 'dismember', 'chop', 'cut', 'beat up', 'harm', 'assault',
      'suffocate', 'smother', 'mutilate', 'shank', 'knife', 'set fire to',
    ],
    game_move: ['kill', 'shoot', 'execute', 'snipe', 'bury', 'murk', 'off', 'waste'],
    target_you: [
      'you', 'u', 'ya', 'yall', 'you all', 'your family', 'ur family', 'your whole family', 'ur whole family',
      'your entire family', 'your mom', 'ur mom', 'your mum', 'your dad', 'ur dad', 'your kids', 'ur kids', 'your kid',
      'your sister', 'ur sister', 'your little sister', 'your brother', 'your daughter', 'your son', 'your wife',
      'your girlfriend', 'your boyfriend', 'your parents', 'ur parents', 'your dog', 'your cat', 'your friends',
    ],
    body_part: [
      'neck', 'throat', 'skull', 'head', 'face', 'legs', 'leg', 'arms', 'arm', 'bones', 'body', 'jaw', 'teeth', 'spine',
      'eyes', 'fingers', 'heart', 'guts', 'kneecaps', 'knees', 'ribs', 'nose', 'back', 'brains', 'windpipe', 'wrists',
    ],
    beating_end: [
      'to death', 'to a pulp', 'senseless', 'bloody', 'black and blue', 'half to death', 'unconscious', 'into a coma',
      'out cold', 'cold', 'up', 'to within an inch of your life', 'until you bleed', 'till you bleed', 'until you die',
      'till you die', 'into the hospital',
    ],
    put_place: [
      'in the hospital', 'in hospital', 'in the ground', 'in a grave', 'in the grave', 'six feet under', 'in a coffin',
      'in a body bag', 'in the morgue', 'in the icu', 'in a wheelchair', 'into the ground', 'in an early grave',
    ],
    counter_speech: [
      'is racist', 'are racist', 'is bigoted', 'is hateful', 'is not ok', 'is not okay', 'is wrong',
      'is disgusting when', 'no one should say', 'nobody should say', 'do not say', 'stop saying', 'gets you banned',
      'will get you banned', 'is hate speech', 'people who say', 'reported for saying', 'banned for saying',
      'disgusting when',
    ],
    real_world: [
      'irl', 'in real life', 'for real', 'at your house', 'at ur house', 'at your home', 'at school', 'after school',
      'outside the game', 'in person', 'at your door', 'where you live',
    ],
    game_context: [
      'round', 'rounds', 'game', 'games', 'match', 'level', 'lobby', 'respawn', 'respawns', 'spawn', 'mafia', 'town',
      'sheriff', 'impostor', 'imposter', 'crew', 'vote', 'voting', 'night', 'ingame', 'map', 'boss', 'tournament',
      'finals', 'ranked', 'queue', 'chess', 'trivia', 'seat', 'turn', 'phase', 'sus', 'spectate', 'revive', 'heal',
      'hp', 'lane', 'killcam', 'werewolf', 'werewolves', 'elimination', 'minecraft', 'fortnite', 'server', 'campaign',
      'quest', 'raid', 'noob', 'n00b', 'gg', 'rankings', 'leaderboard', 'checkmate', 'pvp', 'mode',
    ],
    negation: ['not', 'never', 'nobody', 'no one', 'noone', 'nothing', 'no'],
    // Who a text of hate is about, and what it says of them.
    group_noun: [
      'jews', 'jew', 'jewish people', 'muslims', 'muslim', 'moslems', 'christians', 'catholics', 'hindus', 'sikhs',
      'buddhists', 'atheists', 'blacks', 'black people', 'black men', 'black women', 'whites', 'white people', 'asians',
      'asian people', 'chinese people', 'the chinese', 'japanese people', 'koreans', 'indians', 'pakistanis', 'arabs',
      'africans', 'mexicans', 'latinos', 'hispanics', 'immigrants', 'immigrant', 'migrants', 'refugees', 'foreigners',
      'gypsies', 'roma', 'gays', 'gay', 'gay people', 'gay men', 'homosexuals', 'lesbians', 'bisexuals', 'queers',
      'trans people', 'transgender people', 'trans women', 'trans men', 'transgenders', 'women',
      'disabled people', 'the disabled', 'autistic people', 'autistics',
    ],
    dehumanising: [
      'animals', 'animal', 'vermin', 'rats', 'cockroaches', 'roaches', 'parasites', 'subhuman', 'sub human',
      'subhumans', 'a disease', 'a plague', 'a cancer', 'a virus', 'savages', 'apes', 'monkeys', 'pigs', 'dogs',
      'filth', 'filthy', 'trash', 'garbage', 'scum', 'not human', 'not even human', 'less than human', 'inferior',
      'evil', 'demons', 'mongrels', 'an abomination', 'abominations', 'property', 'objects', 'useless eaters',
      'terrorists', 'rapists', 'criminals', 'disgusting', 'a mistake', 'terrorist', 'rapist', 'criminal', 'rat',
      'parasite', 'savage', 'pig', 'ape', 'monkey', 'cockroach', 'demon', 'mongrel', 'abomination', 'freak',
      'degenerate', 'worthless', 'lice', 'insects', 'leeches', 'locusts', 'pests', 'a pest', 'an infestation',
      'cattle', 'beasts', 'barbarians', 'mentally ill', 'degenerates', 'freaks',
    ],
    should: [
      'should', 'must', 'need to', 'needs to', 'ought to', 'deserve to', 'deserves to', 'have to', 'has to', 'gotta',
      'are going to', 'will', 'should just', 'better',
    ],
    elimination: [
      'die', 'be killed', 'be exterminated', 'be wiped out', 'be gassed', 'burn', 'be burned', 'be burnt', 'hang',
      'be hanged', 'be hung', 'be shot', 'be executed', 'be eradicated', 'be eliminated', 'be removed', 'be put down',
      'be deported', 'be sterilised', 'be sterilized', 'go extinct', 'be stoned', 'be lynched', 'be culled',
      'be purged', 'be locked up', 'be beaten', 'be raped', 'rot', 'burn in hell', 'kill themselves', 'not exist',
      'not be allowed to live', 'be wiped off the map', 'be wiped off the earth', 'be wiped from the earth',
      'be stopped', 'go back', 'be thrown out', 'be kicked out', 'be enslaved', 'be slaves', 'suffer', 'disappear',
      'be put in camps', 'be in camps', 'be sent to camps', 'be gone',
    ],
    eliminate: [
      'kill', 'gas', 'exterminate', 'wipe out', 'eradicate', 'lynch', 'hang', 'burn', 'shoot', 'deport', 'get rid of',
      'round up', 'purge', 'cleanse', 'slaughter', 'massacre', 'nuke', 'bomb', 'eliminate', 'put down', 'stone',
      'behead', 'murder', 'genocide', 'enslave', 'sterilise', 'sterilize',
    ],
    // Urging self-harm.
    urge: [
      'you should', 'u should', 'you need to', 'u need to', 'you ought to', 'you have to', 'you better', 'go', 'just',
      'pls', 'please', 'plz', 'why do not you', 'why dont you', 'do everyone a favour and', 'do everyone a favor and',
      'do us all a favour and', 'do us all a favor and', 'do us a favour and', 'do us a favor and',
      'do the world a favour and', 'do the world a favor and', 'i think you should', 'try', 'you must',
      'you deserve to', 'seriously', 'honestly', 'have you considered', 'have you thought about', 'waste of oxygen',
      'waste of air', 'waste of space', 'waste of life', 'worthless',
    ],
    self_harm_act: [
      'kill yourself', 'kill urself', 'kill your self', 'hang yourself', 'hang urself', 'end it', 'end yourself',
      'end urself', 'end it all', 'end your life', 'jump off a bridge', 'jump off a cliff', 'jump off a building',
      'jump off a roof', 'play in traffic', 'step in front of a train', 'step in front of a bus', 'drink bleach',
      'overdose', 'od', 'rope', 'rope yourself', 'stop breathing', 'slit your wrists', 'cut yourself', 'cut urself',
      'off yourself', 'unalive yourself', 'delete yourself', 'starve yourself', 'shoot yourself',
      'blow your brains out', 'eat a bullet', 'kys', 'neck yourself', 'drown yourself', 'kill yourselves',
      'take your own life', 'crawl into a hole and die', 'killing yourself', 'hanging yourself', 'ending it all',
      'ending your life',
    ],
    // Orders to self-harm that need no "you should" before them.
    self_harm_order: [
      'delete yourself', 'delete urself', 'rope yourself', 'shoot yourself', 'blow your brains out', 'eat a bullet',
      'starve yourself', 'overdose', 'stop breathing', 'crawl into a hole and die', 'put a gun to your head',
      'swallow a bottle of pills', 'swallow all your pills', 'take all your pills', 'jump off a cliff',
      'jump off a bridge', 'jump off a building', 'jump off a roof', 'drown yourself', 'slit your throat',
      'play in traffic', 'step in front of a train', 'step in front of a bus', 'end yourself', 'end urself',
    ],
    // What the plain threat phrase does to its victim.
    harm: [
      'kill', 'murder', 'stab', 'shoot', 'strangle', 'choke', 'hurt', 'rape', 'molest', 'behead', 'slaughter', 'kidnap',
      'butcher', 'beat up',
    ],
    // What is done to a part of the body.
    injure: [
      'break', 'snap', 'crack', 'smash', 'bash', 'slit', 'cut', 'rip', 'rip out', 'gouge', 'pull out', 'tear',
      'tear out', 'cave', 'kick', 'punch', 'knock', 'chop off', 'cut off', 'stab', 'slice', 'slice open', 'cut open',
      'crush', 'split', 'burn',
    ],
    // What is hoped for the reader.
    hoped_harm: [
      'die', 'dies', 'get killed', 'gets killed', 'get shot', 'get stabbed', 'get run over', 'get hit by', 'burn',
      'rot', 'suffer', 'get cancer', 'drown', 'choke', 'get raped', 'get murdered', 'get beaten', 'get hurt',
      'break your neck', 'would die', 'will die', 'end up dead', 'gets cancer', 'gets shot', 'gets stabbed',
      'gets raped', 'gets hurt', 'gets run over', 'gets hit by', 'gets murdered', 'gets beaten',
    ],
    // What the reader is said to deserve.
    deserved_harm: [
      'to die', 'to be killed', 'to be shot', 'to be beaten', 'to get stabbed', 'to get hurt', 'to suffer', 'death',
      'to be hurt', 'to get shot', 'to be stabbed', 'to be murdered', 'to get beaten', 'to be tortured', 'to get raped',
      'to be raped',
    ],
    // When the reader's death is foretold.
    doom_time: [
      'tonight', 'tomorrow', 'soon', 'irl', 'in real life', 'by monday', 'by tuesday', 'by wednesday', 'by thursday',
      'by friday', 'by saturday', 'by sunday', 'by tomorrow', 'by tonight', 'for this', 'for that', 'when i find you',
      'slowly', 'next week',
    ],
    // What leads into a word of game talk right after a threat: "next round", "as mafia".
    game_lead: [
      'in', 'on', 'at', 'as', 'during', 'next', 'this', 'in the', 'in this', 'in our', 'on the', 'as the', 'at the',
      'as a', 'as an', 'before the', 'after the',
    ],
    // The reader dead or gone.
    reader_gone: [
      'died', 'die', 'were gone', 'were dead', 'are dead', 'killed yourself', 'kill yourself', 'disappeared',
      'are gone', 'left forever', 'vanished',
    ],
    // The reader dead, gone or never born.
    reader_dead: [
      'were dead', 'was dead', 'were gone', 'were never born', 'died', 'disappeared', 'killed yourself',
      'did not exist', 'were not here', 'never existed', 'dead', 'gone',
    ],
    // Living on, for the reader.
    live_on: [
      'deserve to live', 'deserve to exist', 'deserve to be alive', 'deserve to breathe', 'exist', 'be alive',
      'be born', 'have been born',
    ],
    // Self-harm the writer says they will do.
    writer_self_harm: [
      'overdose', 'od', 'kill myself', 'hang myself', 'cut myself', 'end my life', 'end it all', 'take my own life',
      'take my life', 'jump off', 'slit my wrists', 'hurt myself', 'starve myself', 'shoot myself', 'die',
    ],
    // Self-harm the writer thinks of.
    writer_self_harm_ing: [
      'killing myself', 'hanging myself', 'cutting myself', 'hurting myself', 'suicide', 'ending my life',
      'ending it all', 'ending it', 'overdosing',
    ],
    // Living on, for a group.
    group_live_on: [
      'live', 'exist', 'be alive', 'breathe', 'have rights', 'be allowed to live',
    ],
    // Where a group is sent.
    camps: [
      'camps', 'camp', 'ovens', 'oven', 'gas chambers', 'gas chamber', 'cages', 'zoos', 'zoo', 'chains',
      'concentration camps',
    ],
    // The violent acts as someone else does them.
    violent_acts: [
      'stabs', 'shoots', 'kills', 'murders', 'hurts', 'beats up', 'runs over', 'hits', 'rapes', 'tortures', 'strangles',
      'chokes',
    ],
    // Coming to the reader.
    coming: [
      'come', 'coming', 'go', 'going', 'drive', 'driving', 'show up', 'showing up', 'be',
    ],
    // Where the reader lives.
    home: [
      'house', 'home', 'place', 'school', 'work', 'door', 'apartment',
    ],
    hyperbole: [
      'lol', 'lmao', 'haha', 'hahaha', 'xd', 'on this hill', 'tired', 'bored', 'laughing', 'of laughter', 'cringe',
      'embarrassment', 'embarrassed', 'rather die', 'could die', 'so hot', 'hungry', 'lag', 'die for',
    ],
  },
  categories: {
    THREAT: {
      terms: [],
      phrases: [
        // Also read run together ("i w i l l k i l l u"), which intents are not; game talk is excused below.
        '({i_will}|{i_want_to}) (really|fucking|literally|personally|come and|come)? {harm} {target_you}',
        '{i_will} (find|hunt|track) {you} (down|irl|in real life)',
        '(hunt|track) {you} down',
        'find {you} and (kill|hurt|murder|rape|stab|shoot) {you}',
        '(i know|we know|i found|we found|find|find out) where {you} (live|sleep|go to school)',
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
        '{your} days are (numbered|counted)',
      ],
      intents: [
        {
          name: 'a violent act aimed at the reader',
          steps: ['{speaker_will}', '{violent_act}', '{target_you}'],
          gap: 3,
          breaks: ['{negation}'],
        },
        {
          name: 'a game move aimed at the reader, outside game talk',
          steps: ['{speaker_will}', '{game_move}', '{target_you}'],
          gap: 3,
          breaks: ['{negation}'],
          unless: ['{game_context}'],
        },
        {
          name: 'a game move aimed at the reader, in the real world',
          steps: ['{speaker_will}', '({game_move}|{violent_act}|end|take)', '{target_you}', '{real_world}'],
          gap: 3,
          breaks: ['{negation}'],
        },
        {
          name: 'a beating to an end',
          steps: [
            '{speaker_will}',
            '(beat|bash|kick|punch|smack|stomp|knock|slap|mess|rough|whoop|pound)',
            '{target_you}',
            '{beating_end}',
          ],
          gap: 2,
          breaks: ['{negation}'],
        },
        {
          name: 'a beating out of the reader',
          steps: [
            '{speaker_will}',
            '(beat|kick|knock|slap|punch)',
            '(the|all)? (shit|crap|hell|piss|living daylights|life|snot) (out of|outta)',
            '{target_you}',
          ],
          gap: 1,
        },
        {
          name: 'an injury to the reader\'s body',
          steps: [
            '{speaker_will}',
            '{injure}',
            '{your} {body_part}',
          ],
          gap: 3,
          breaks: ['{negation}'],
        },
        {
          name: 'the reader put in hospital or the grave',
          steps: ['{speaker_will}', '(put|send|leave)', '{target_you}', '{put_place}'],
          gap: 2,
          breaks: ['{negation}'],
        },
        {
          name: 'the reader burned or buried alive',
          steps: ['{speaker_will}', '(burn|bury|skin|cook|eat|boil)', '{target_you}', 'alive'],
          gap: 1,
          breaks: ['{negation}'],
        },
        {
          name: 'the reader run over',
          steps: ['{speaker_will}', '(run|mow)', '{target_you}', '(over|down)'],
          gap: 1,
          breaks: ['{negation}'],
          unless: ['{game_context}'],
        },
        {
          name: 'a beating promised outside game talk',
          steps: ['{speaker_will}', '(beat|kick|whoop|whup|tap|smack) {your} ass'],
          gap: 2,
          breaks: ['{negation}'],
          unless: ['{game_context}'],
        },
        {
          name: 'the reader made to suffer',
          steps: [
            '{speaker_will}',
            '(make|watch)',
            '{target_you}',
            '(suffer|bleed|scream|beg for mercy|beg for your life|cry blood|burn)',
          ],
          gap: 1,
          breaks: ['{negation}'],
        },
        {
          name: 'the reader never to recover',
          steps: [
            '{speaker_will}',
            '(make sure|ensure|see to it)',
            '{you} (never|will never|will not|wont|can not|cant) (walk|see|talk|wake up|breathe|walk again|see again)',
          ],
          gap: 1,
        },
        {
          name: 'the reader\'s life ended',
          steps: ['{speaker_will}', '(end|take|ruin)', '{your} (life|miserable life|pathetic life)'],
          gap: 3,
          breaks: ['{negation}'],
        },
        {
          name: 'the reader\'s home attacked',
          steps: [
            '{speaker_will}',
            '(burn|burn down|bomb|blow up|torch|firebomb|shoot up|swat|set fire to|break into|raid)',
            '{your} (house|home|school|family|car|place|apartment|street)',
          ],
          gap: 2,
          breaks: ['{negation}'],
        },
        {
          name: 'coming to the reader\'s home to do harm',
          steps: [
            '{coming} (to|at|outside) {your} {home}',
            '({violent_act}|{game_move}|beat)',
          ],
          gap: 3,
          breaks: ['{negation}'],
        },
        {
          name: 'a weapon brought for the reader',
          steps: [
            '({speaker_will}|i am|im|we are)',
            '(bring|bringing|get|getting|grab|buy)',
            '(a|my|the)? (gun|knife|rifle|bomb|weapon|pistol|glock|machete|axe|bat)',
            '(to school|to class|to your|to ur|for you|for u|tomorrow|to the school)',
          ],
          gap: 1,
        },
        {
          name: 'death or injury hoped for the reader',
          steps: [
            '(i hope|hope|i wish|i pray|hopefully|i really hope)',
            '{target_you}',
            '{hoped_harm}',
          ],
          gap: 2,
          breaks: ['{negation}'],
          unless: ['{game_context}'],
        },
        {
          name: 'someone hoped to harm the reader',
          steps: [
            '(i hope|hope|i wish|i pray)',
            '(someone|somebody|a car|a bus|a truck)',
            '({violent_act}|{game_move}|{violent_acts})',
            '{target_you}',
          ],
          gap: 2,
          breaks: ['{negation}'],
        },
        {
          name: 'death said to be deserved',
          steps: [
            '{target_you}',
            '(deserve|deserves)',
            '{deserved_harm}',
          ],
          gap: 1,
        },
        {
          name: 'the reader\'s death foretold',
          steps: [
            '{target_you}',
            '(die|be dead|bleed|suffer|be killed|be shot|be stabbed)',
            '{doom_time}',
          ],
          gap: 3,
          unless: ['{game_context}'],
        },
        {
          name: 'the reader\'s body found',
          steps: [
            '{target_you}',
            '(end up|be found|wake up) (dead|in a body bag|in a coffin|in the hospital|in a ditch|in pieces)',
          ],
          gap: 3,
          breaks: ['{negation}'],
        },
        {
          name: 'the reader waited for',
          steps: [
            '(wait|waiting) for {you} (outside|after|at|behind|near)',
            '(school|class|your house|ur house|your home|your work|the school|work)',
          ],
          gap: 1,
        },
        {
          name: 'the reader told to watch their back',
          steps: ['watch {your} back'],
          unless: ['{game_context}'],
        },
        {
          name: 'the reader dead once found',
          steps: [
            '(when|once|if|next time) (i|we) (find|see|catch|get) {you}',
            '({you}|you are|youre) (dead|a dead man|done for|finished)',
          ],
          gap: 2,
        },
      ],
      allow: [
        '{i_will} shoot {you} (a|an|the) (text|message|msg|email|dm|pm|line|link|invite|question)',
        '{i_will} stab {you} in the back',
        '{i_will} cut {you} (some slack|a deal|in|off)',
        '{i_will} (hurt|bury|kill|shoot|beat|smack) {you} in the (rankings|ranking|leaderboard|standings|ladder|polls)',
        '{i_will} kill {you} with kindness',
        '({i_will}|{i_want_to}) (kill|shoot|murder) {you} (first|again|tonight|later|today)? {game_lead} (the|this|next|our|a)? {game_context}',
        '(hunt|track|find) {you} (down)? (on|in) (the|this)? (map|game|level|lobby|round|match)',
        '(i hope|hope) {you} die (laughing|of laughter)',
      ],
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
      intents: [
        {
          name: 'self-harm urged on the reader',
          steps: ['{urge}', '{self_harm_act}'],
          gap: 2,
          breaks: ['{negation}'],
          // "rope in more players" recruits them.
          unless: ['rope (in|them in|him in|her in|people in|everyone in)'],
        },
        {
          name: 'self-harm told to the reader',
          steps: ['{self_harm_order}'],
          breaks: ['{negation}'],
          unless: ['{game_context}'],
        },
        {
          name: 'death urged on the reader, outside game talk',
          steps: ['({urge}|you can|can you|u can|why not)', '(die|just die|die already|drop dead|go die)'],
          gap: 2,
          breaks: ['{negation}'],
          unless: ['{game_context}'],
        },
        {
          name: 'death urged on the reader, alone',
          steps: ['(die|drop dead) (already|now|pls|please|plz|irl|bitch|loser|idiot)'],
          unless: ['{game_context}'],
        },
        {
          name: 'nobody would care if the reader died',
          steps: [
            '(nobody|no one|noone|none of us|not a single person)',
            '(care|cares|notice|notices|miss|misses|cry|cries|mourn|give a)',
            '(if|when) {you} {reader_gone}',
          ],
          gap: 2,
        },
        {
          name: 'everyone better off without the reader',
          steps: ['better (off)? (without|with out) {you}'],
        },
        {
          name: 'everyone better off if the reader were dead',
          steps: [
            '(better|happier) (off)? (if|with) {you}',
            '{reader_dead}',
          ],
          gap: 1,
        },
        {
          name: 'the reader better off dead',
          steps: ['{target_you}', 'better off dead'],
          gap: 2,
        },
        {
          name: 'the reader said not to deserve life',
          steps: [
            '{target_you}',
            '(do not|dont|does not|doesnt|should not|shouldnt|do not even) {live_on}',
          ],
          gap: 1,
        },
        {
          name: 'the reader asked why they are alive',
          steps: ['why (are|r|is) {you} still', '(alive|breathing|living|existing)'],
          gap: 1,
          unless: ['{game_context}'],
        },
        {
          name: 'self-harm the writer plans',
          steps: [
            '({speaker_will}|i feel like|i am ready to|im ready to|i just want to)',
            '{writer_self_harm}',
          ],
          gap: 2,
          breaks: ['{negation}'],
          unless: ['{hyperbole}'],
        },
        {
          name: 'self-harm the writer thinks of',
          steps: [
            '(thinking|think|thought|thoughts) (of|about)',
            '{writer_self_harm_ing}',
          ],
          gap: 1,
        },
        {
          name: 'the writer does not want to live',
          steps: ['i (do not|dont|no longer)', '(want to|wanna) (live|be alive|exist|wake up|be here)'],
          gap: 1,
        },
      ],
      allow: [
        '(do not|dont|never|please do not|pls do not|please never) (kill|hurt|cut|hang|harm|off) {yourself}',
        'kill {yourself} with (that|the|your|a|my|his|her) (grenade|rocket|bomb|nade|c4|explosion|own)',
        'shoot {yourself} in the foot',
      ],
    },
    HATE: {
      terms: [
        '*nigger*', '*nigga*', '*faggot*', 'fag', 'fags', 'faggy', '*kike*', 'spic', 'spics', 'chink', 'chinks',
        'tranny', 'trannies', 'retard', 'retards', 'retarded', '*wetback*', 'gook', 'gooks', '*towelhead*',
        '*raghead*', 'paki', 'pakis', 'beaner', 'beaners',
      ],
      phrases: [
        '(heil|hail) hitler',
        'sieg heil',
        'white power',
        'hitler (was right|did nothing wrong)',
        'holocaust (never happened|did not happen|didnt happen|was a hoax|is a lie)',
        '(gas|kill|exterminate|lynch|hang|deport|wipe out) (the|all|all the)? {group_noun}',
        '(go back to|get back to) {your} (own)? country',
        '(go back|get back|go home) to (where|wherever) {you} came from',
      ],
      intents: [
        {
          name: 'a group told to be eliminated',
          steps: ['{group_noun}', '{should}', '{elimination}'],
          gap: 3,
          breaks: ['{negation}'],
          unless: ['{counter_speech}'],
        },
        {
          name: 'a group said not to deserve life',
          steps: [
            '{group_noun}',
            '(do not|dont|does not|doesnt|should not|shouldnt|have no right to|has no right to) (deserve to)? {group_live_on}',
          ],
          gap: 1,
        },
        {
          name: 'a group with a dehumanising predicate',
          steps: ['{group_noun}', '(are|r|is|were|be|are all|all are|are just|are nothing but)', '{dehumanising}'],
          gap: 2,
          breaks: ['{negation}'],
          unless: ['{counter_speech}'],
        },
        {
          name: 'a group to be wiped out',
          steps: ['{eliminate}', '{group_noun}'],
          gap: 2,
          breaks: ['{negation}'],
          unless: ['{counter_speech}'],
        },
        {
          name: 'death wished on a group',
          steps: ['death to', '{group_noun}'],
          gap: 1,
        },
        {
          name: 'the world better without a group',
          steps: ['better (off)? without', '{group_noun}'],
          gap: 2,
        },
        {
          name: 'a group wished dead',
          steps: [
            '(i wish|i want|wish|i hope|hope|i pray|i would love)',
            '{group_noun}',
            '(dead|die|died|gone|extinct|wiped out|burn|burned|killed|gassed|to die|to burn)',
          ],
          gap: 2,
          breaks: ['{negation}'],
          unless: ['{counter_speech}'],
        },
        {
          name: 'a group sent to camps',
          steps: [
            '(put|send|throw|lock|ship|round up)',
            '{group_noun}',
            '(in|into|to|up in) (the)? {camps}',
          ],
          gap: 2,
        },
        {
          name: 'a group said to belong in camps',
          steps: [
            '{group_noun}',
            '(belong|belongs|go|should go|should be sent|should be put)',
            '(in|into|to) (the)? {camps}',
          ],
          gap: 2,
        },
        {
          name: 'hatred of a group',
          steps: ['i (hate|despise|loathe|detest|can not stand|cant stand|fucking hate|really hate)', '{group_noun}'],
          gap: 2,
          breaks: ['{negation}'],
          unless: ['{counter_speech}'],
        },
      ],
      // Some only matter in names, where long words are also found inside other words.
      allow: [
        '(go back|get back) to where {you} came from (in|on) the (maze|map|level|game)',
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
        'sit on my face',
        '{i_will} bend {you} over',
        '(get|be) naked (on|in front of) (cam|camera|webcam|the camera)',
        '(let us|lets) sext',
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
