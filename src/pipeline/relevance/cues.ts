// Jurisdiction cues: words that say where a story happens. The rules exclude foreign stories by place name;
// the model weighs the same evidence against the UK's, so a story that names both is judged on the balance,
// and a cue group learns one weight from every story that has any of its words (a town seen once still counts).
// Words as written in text, one or two (joined by `_`); features.ts folds and stems them as it does the text.
// "US" and "USA" are read in capitals only (features.ts): folded, "us" is a pronoun.

/** Cue group → its words. A group becomes the feature `c:GROUP`. */
export const CUES: Record<string, string> = {
  'uk-place':
    'uk britain british england english wales welsh scotland scottish ulster belfast london londoner manchester ' +
    'birmingham liverpool leeds sheffield bristol newcastle nottingham leicester coventry bradford cardiff swansea ' +
    'glasgow edinburgh aberdeen dundee inverness hull plymouth southampton portsmouth brighton stoke ' +
    'wolverhampton sunderland middlesbrough doncaster wakefield huddersfield oxford cambridge norwich ipswich ' +
    'exeter gloucester worcester carlisle preston blackpool bolton wigan salford stockport oldham rochdale luton ' +
    'northampton peterborough swindon cornwall devon dorset somerset kent essex sussex surrey hampshire wiltshire ' +
    'berkshire yorkshire lancashire cumbria northumberland merseyside midlands cheshire staffordshire shropshire ' +
    'warwickshire leicestershire derbyshire nottinghamshire lincolnshire norfolk suffolk hertfordshire ' +
    'buckinghamshire oxfordshire gloucestershire teesside tyneside wirral croydon lambeth southwark hackney ' +
    'islington brixton wandsworth pentonville belmarsh strangeways dartmoor feltham holloway bronzefield ' +
    'wormwood_scrubs forest_bank high_down northern_ireland',
  'uk-institution':
    'hmpps moj hmcts cps cafcass napo poa pcs unison hmp yoi hmyoi nhs ofsted whitehall westminster downing ' +
    'commons tory tories labour conservative conservatives snp plaid holyrood stormont senedd magistrates ' +
    'magistrate crown_court old_bailey high_court home_office home_secretary justice_secretary lord_chancellor ' +
    'prisons_minister justice_minister parole_board sentencing_council inspectorate ombudsman mp mps baroness ' +
    'councillor constabulary met_police scotland_yard',
  'uk-spelling':
    'offence offences defence licence programme programmes organisation organisations organised criticised ' +
    'recognised behaviour labour centre centres whilst judgement',
  'foreign-place':
    'america american americans texas florida california ohio michigan alabama georgia arizona nevada virginia ' +
    'carolina tennessee kentucky missouri indiana wisconsin minnesota oregon maryland utah kansas louisiana ' +
    'oklahoma iowa colorado illinois pennsylvania massachusetts chicago philadelphia houston miami brooklyn ' +
    'manhattan new_york los_angeles new_jersey australia australian sydney melbourne queensland brisbane ' +
    'new_zealand canada canadian france french germany german spain spanish italy italian russia russian ' +
    'ukraine ukrainian china chinese india pakistan iran israel israeli japan japanese brazil mexico mexican ' +
    'singapore dubai thailand bali philippines nigeria kenya dublin',
  'us-legal':
    'sheriff felony felon jailhouse corrections correctional warden bail_bond plea_deal district_attorney ' +
    'public_defender grand_jury death_row county_jail state_prison federal_prison fbi doj mugshot indicted indictment',
};
