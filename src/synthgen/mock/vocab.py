"""Vocabulary and templates of the mock teacher (data only; the engine is ``mock.py``).

Templates are ``str.format`` strings whose fields name pools: ``{topic}`` draws from
``POOLS["topic"]``, ``{topic2}`` draws a second, independent value from the same pool,
``{Topic}`` is ``{topic}`` with a capital first letter, and ``{memo[1]}`` indexes a pool of
tuples (used where two texts must agree, e.g. a draft and its rewrite). Pool entries may
themselves contain fields; they are expanded with the same values, so an input and its
output can mention the same person or product.

Why so many pools: the pipeline drops an instruction whose ROUGE-L F against any kept
instruction is > 0.7, and a mock run must reach tens of thousands of kept tasks. Each
instruction template therefore keeps its fixed words to a minority of its tokens and fills
the rest from several independent pools of distinct multi-word phrases, so two random
instructions rarely share most of their longest common subsequence.

Clean items must pass the default filters: no instruction here may contain a blocklisted
word (image, picture, graph, plot, draw, map, file, video, audio, music, diagram,
flowchart, "go to"), start with "Write a program", or be shorter than four words.
The deliberately flawed items live in the ``FLAW_*`` pools at the end.
"""

from __future__ import annotations


def _lines(text: str) -> tuple[str, ...]:
    """One pool entry per non-blank line, stripped."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _words(text: str) -> tuple[str, ...]:
    """Whitespace-separated words."""
    return tuple(text.split())


def _rows(text: str) -> tuple[tuple[str, ...], ...]:
    """One tuple per non-blank line, fields separated by `` | ``; ``\\n``/``\\t`` are a newline/tab."""
    return tuple(
        tuple(part.strip().replace("\\n", "\n").replace("\\t", "\t") for part in line.split(" | "))
        for line in text.splitlines()
        if line.strip()
    )


def _code_rows(text: str) -> tuple[tuple[str, ...], ...]:
    """Like :func:`_rows` for source code: literal braces are escaped for ``str.format``,
    and ``FN_SNAKE`` / ``FN_CAMEL`` become the function name built from the code slots."""
    return tuple(
        tuple(
            field.replace("{", "{{")
            .replace("}", "}}")
            .replace("FN_SNAKE", "{code_op[1]}_{code_item[1]}")
            .replace("FN_CAMEL", "{code_op[1]}{code_item[2]}")
            for field in row
        )
        for row in _rows(text)
    )


TOPIC = _lines("""
    the water cycle
    compound interest
    plate tectonics
    photosynthesis
    the French Revolution
    sourdough fermentation
    tidal energy
    the immune system
    supply and demand
    black holes
    coral reef bleaching
    the printing press
    inflation
    Roman aqueducts
    vaccines
    the Silk Road
    honeybee colonies
    ocean currents
    the stock market
    volcanic eruptions
    bird migration
    the Great Depression
    rooftop solar panels
    antibiotic resistance
    the phases of the moon
    plastic recycling
    the Industrial Revolution
    earthquake preparedness
    carbon offsets
    the jet stream
    the human heart
    sleep cycles
    the metric system
    credit scores
    electric cars
    wind turbines
    the Renaissance
    the Egyptian pyramids
    rainforest canopies
    melting glaciers
    cloud computing
    password managers
    end-to-end encryption
    open-source software
    the Olympic Games
    marathon training
    home composting
    urban beekeeping
    the Cold War
    the Apollo moon landings
    DNA replication
    natural selection
    the placebo effect
    confirmation bias
    the scientific method
    global supply chains
    minimum wage laws
    universal basic income
    remote work
    the four-day work week
    microplastics in the ocean
    light pollution
    public libraries
    the history of chess
    origami
    hand knitting
    kimchi fermentation
    coffee roasting
    the periodic table
    static electricity
    magnetism
    rainbows
    the northern lights
    ocean tides
    the seasons
    leap years
    time zones
    daylight saving time
    the Fibonacci sequence
    prime numbers
    probability in card games
    game theory
    the prisoner's dilemma
    irregular verbs
    sign languages
    raising bilingual children
    memory palaces
    spaced repetition
    mindfulness meditation
    stretching before exercise
    food allergies
    gut bacteria
    intermittent fasting
    seed saving
    crop rotation
    desert ecosystems
    wetland conservation
    mangrove forests
    the Amazon river
    the Himalayas
    volcanic islands
    hurricane forecasting
    tornado safety
    wildfire prevention
    flood barriers
    hydroelectric dams
    desalination plants
    public transport networks
    protected bicycle lanes
    traffic roundabouts
    the invention of the telephone
    the telegraph
    radio waves
    weather satellites
    satellite navigation
    3D printing
    warehouse robots
    self-checkout machines
    online product reviews
    social media feeds
    online misinformation
    digital privacy
    two-factor authentication
    phishing emails
    data backups
    version control
    unit testing
    agile planning
    code reviews
    technical debt
    personal budgeting
    emergency savings
    index funds
    fixed-rate mortgages
    renting versus buying a home
    insurance deductibles
    crowdfunding
    microloans
    fair trade coffee
    the gig economy
    trade unions
    the assembly line
    fast fashion
    clothing repair
    secondhand shopping
    minimalist living
    tiny houses
    passive house design
    heat pumps
    smart thermostats
    indoor air quality
    first aid for burns
    CPR basics
    sunscreen
    seasonal allergies
    the common cold
    handwashing
    screen time for children
    reading aloud to toddlers
    homeschooling
    standardized testing
    student loans
    apprenticeships
    learning to code as an adult
    public speaking
    salary negotiation
    the Pomodoro technique
    procrastination
    habit formation
    gratitude journaling
    community gardens
    local elections
    trial by jury
    the separation of powers
    ranked-choice voting
    the national census
    freedom of the press
    copyright law
    patents
    the history of money
    barter economies
    cryptocurrency
    central banks
    interest rates
    exchange rates
    import tariffs
    container shipping
    the Panama Canal
    lighthouses
    ancient Greek theatre
    Shakespeare's comedies
    fairy tales
    Norse mythology
    haiku poetry
    calligraphy
    pottery glazes
    stained glass windows
    impressionist painting
    Gothic cathedrals
    Roman roads
    medieval castles
    the Vikings
    the Ming dynasty
    the Maya calendar
    the Inca road network
    the Ottoman Empire
    the Meiji Restoration
    the abolition of slavery
    women's suffrage
    the civil rights movement
    the fall of the Berlin Wall
    the European Union
    the United Nations
    the International Space Station
    Mars rovers
    exoplanets
    comets
    meteor showers
    the Big Bang
    dark matter
    gravity
    friction
    levers and pulleys
    suspension bridges
    skyscraper foundations
    elevators
    reinforced concrete
    steel making
    glassblowing
    handmade paper
    the magnetic compass
    mechanical clocks
    the Gregorian calendar
    steam engines
    hot air balloons
    how airplanes stay aloft
    submarines
    deep-sea creatures
    octopus intelligence
    problem-solving crows
    dog training
    cat body language
    endangered species
    rewilding
    national parks
    invasive species
    pollinating insects
    bats
    penguin colonies
    whale migration
    elephant families
    ant colonies
    spider silk
    butterfly metamorphosis
    fungal networks in forests
    lichens
    tree rings
    seed dispersal
    cactus survival strategies
    bamboo
    rice farming
    chocolate making
    cheese aging
    the spice trade
    the history of salt
    olive oil production
    street food culture
    table manners around the world
    tipping customs
    New Year traditions
    wedding customs
    board game design
    crossword construction
    stage magic
    circus acrobatics
    stand-up comedy
    improv theatre
    podcasting
    local newspapers
    comic strips
    typography
    color theory
    accessible web design
    screen readers
    braille
    aging populations
    retirement planning
    child development
    adolescent sleep
    loneliness in cities
    conflict resolution
    workplace feedback
    burnout
    carpooling
    car maintenance
    tire pressure
    road trip planning
    wild camping
    hiking safety
    indoor rock climbing
    open-water swimming
    cycling commutes
    yoga for beginners
    chess openings
    football tactics
    cricket rules
    baseball statistics
    sports nutrition
    esports tournaments
""")

ASPECT = _lines("""
    the basic idea behind
    the main causes of
    the everyday benefits of
    common myths about
    the early history of
    the ethical questions raised by
    how experts measure
    the hidden costs of
    the biggest risks of
    recent debates about
    the key vocabulary of
    the trade-offs involved in
    what beginners usually get wrong about
    the long-term effects of
    the role of luck in
    why governments care about
    the environmental footprint of
    the strongest arguments for and against
    the surprising origins of
    the likely future of
    the science behind
    the economics of
    the safety rules around
    the cultural meaning of
    how technology has reshaped
    the local impact of
    the unanswered questions about
    the turning points in the story of
    the people who shaped
    the simplest possible model of
    the everyday signs of
    the main stages of
    the measurable effects of
    the skills needed to understand
    the link between health and
    the regional differences in
    the costs and rewards of
    the most common questions about
    the practical uses of
    the warning signs related to
""")

AUDIENCE = _lines("""
    a curious eight-year-old
    a first-year nursing student
    a retired bus driver
    a busy small-business owner
    a high-school debate team
    a group of new volunteers
    an exchange student from Brazil
    a grandmother who just got her first smartphone
    a sceptical city councillor
    a tired new parent
    a teenager starting a first job
    a class of adult English learners
    a software engineer new to finance
    a farmer planning next season
    a museum visitor with ten minutes to spare
    a journalist on a tight deadline
    a nervous first-time voter
    a hospital night-shift team
    a book club that meets monthly
    a scout troop on a weekend camp
    a startup founder preparing a pitch
    a librarian running a workshop
    a high-school chemistry teacher
    a football coach for under-twelves
    a retired engineer who loves details
    a student who missed the lecture
    a shop owner in a small town
    a hiker planning a first multi-day trek
    a family moving to a new country
    an amateur astronomer
    a chef opening a second restaurant
    a community radio host
    a group of fourth graders
    a university admissions officer
    a patient waiting for a check-up
    a bored commuter
    a parent helping with homework
    a nonprofit board member
    an office manager
    a long-haul truck driver
    a beginner gardener
    a keen birdwatcher
    a dance teacher
    a pharmacy technician
    a history buff
    a new city resident
    a retired teacher writing a memoir
    a wedding planner
    a shy student
    a regional sales team
    a civil servant
    a tenants' association
    a rural doctor
    a climate activist
    an investor with no patience for jargon
    a junior data analyst
    a primary school headteacher
    a student pilot
    a self-taught carpenter
    a game designer
    a science fair judge
    a hotel receptionist
    a bakery owner
    a yoga instructor
    a retired diplomat
    a social worker
    a summer camp counsellor
    an elderly neighbour
    a foreign tourist
    a tech support volunteer
    a night-school student
    a hospital volunteer
    a village council
    a parent-teacher association
    a newly elected mayor
    a team of warehouse workers
    a fitness coach
    a group of retired nurses
    a teenage entrepreneur
    a medical student
    a frequent business traveller
    {role3} who has never studied {topic3}
    a {age}-year-old visiting {place3}
    {name4}, who {problem2}
    a friend who works as {role3}
    readers of a newsletter about {topic3}
    a class of {age}-year-olds from {place3}
    a new volunteer at {business2}
    someone preparing for {occasion2}
    {role3} on their first day
    a neighbour who wants to {goal2}
    a cousin moving to {place3}
    a {relative2} who {problem2}
    a podcast audience interested in {topic3}
    {name4}, a {age}-year-old who loves {topic3}
    a committee planning {occasion2}
    regular customers of {business2}
    people who live near {place3}
    a student writing an essay on {topic3}
    an expert in {topic3} with no time to spare
""")

CONSTRAINT = _lines("""
    in exactly three sentences
    using one everyday analogy
    without any technical jargon
    in under 80 words
    as a short dialogue
    with a concrete example from daily life
    in five short bullet points
    starting with a question
    as if writing a postcard
    ending with a practical tip
    in plain, friendly language
    with one surprising statistic
    in a single paragraph
    using only words a child would know
    with a one-line summary at the end
    in the style of a radio announcement
    as a riddle followed by the answer
    in two contrasting paragraphs
    mentioning at least one common mistake
    with a memorable rhyme
    in the voice of a patient teacher
    as a list of dos and don'ts
    with a quick self-check question at the end
    in no more than 50 words
    using a sports comparison
    using a cooking comparison
    with a historical example
    while staying strictly neutral
    while pointing out what is still uncertain
    as a short FAQ with three questions
    in a calm, reassuring tone
    in the second person
    as a very short story
    while keeping the mood upbeat
    without quoting any numbers
    with exactly one worked example
    including a one-line definition
    as a tweet-length summary
    as a bedtime story
    in the form of a recipe
    as a letter to a friend
    as a news brief
    with a title and three short sections
    as a to-do checklist
    so that it fits on an index card
    like a nature documentary narrator
    with a warning about a frequent misconception
    as a conversation between two friends
    from the point of view of a historian
    with a fun fact to finish
    with pros and cons side by side
    as a short motivational speech
    in formal English
    in relaxed, casual English
    under simple headings
    in the form of a quiz
    step by step
    using a weather metaphor
    using a gardening metaphor
    using a comparison to city traffic
    ending with one open question
    in fewer than 40 words
    in about 120 words
    in one long, flowing sentence
    as an elevator pitch
    as a set of flashcards
    with a before-and-after comparison
    as advice from a grandparent
    in the tone of a friendly coach
    as an imaginary interview
    in under {n_words} words
    using an example from {place3}
    mentioning {everyday2}
    without referring to {topic3}
    as if speaking at {occasion2}
    with a comparison to {topic3}
    in the voice of {role3}
    as a message to {name4}
    in {n_small} short sentences
    using a metaphor drawn from {topic3}
    with a reference to {product2}
    in the form of {genre2}
    in a {tone2} voice
    for reading aloud at {occasion2}
    with a nod to {name4}'s love of {topic3}
""")

TONE = _lines("""
    warm
    formal
    playful
    apologetic
    confident
    neutral
    enthusiastic
    calm
    persuasive
    humorous
    sincere
    diplomatic
    urgent
    encouraging
    curious
    respectful
    cheerful
    firm but kind
    professional
    nostalgic
    optimistic
    dry and witty
    gentle
    businesslike
    reassuring
    grateful
    modest
    bold
    straightforward
    sympathetic
    light-hearted
    serious
    inspiring
    polite but direct
    matter-of-fact
""")

GENRE = _lines("""
    a short poem
    a limerick
    a haiku sequence
    a product description
    a two-line slogan
    a thank-you note
    a social media post
    a one-paragraph story
    a diary entry
    a news headline with an opening sentence
    a restaurant review
    a toast
    a playful eulogy for a houseplant
    a job advertisement
    the opening of a cover letter
    a museum placard
    a short fable
    a sonnet
    a radio advertisement script
    a campaign speech opening
    a postcard message
    a fortune cookie message
    a book blurb
    a travel guide entry
    a weather report
    a sports commentary
    a letter of complaint
    a letter of recommendation
    an apology email
    a wedding invitation
    a birthday card message
    a tongue twister
    a riddle
    a children's rhyme
    a mission statement
    the opening of a press release
    a safety notice
    a welcome message for new members
    a podcast episode description
    an acrostic poem
    a short dialogue scene
    a dramatic monologue
    a bedtime story
    a short mystery scene
    a newsletter introduction
    a shop window sign
    a menu description
    a motivational pep talk
    a short ghost story
    an encyclopedia-style entry
""")

ROLE = _lines("""
    a beekeeper
    a night-shift nurse
    a ferry captain
    a retired astronaut
    a lighthouse keeper
    a street food vendor
    a school librarian
    a mountain guide
    a wildlife ranger
    a hospital porter
    a bicycle courier
    a museum curator
    a tax accountant
    a violin maker
    a glassblower
    a marine biologist
    a train conductor
    a village baker
    a locksmith
    a court translator
    a dairy farmer
    a firefighter
    a commercial pilot
    a plumber
    a florist
    a tailor
    a dentist
    a veterinarian
    a local reporter
    a software tester
    a data scientist
    a school crossing guard
    a zookeeper
    a chess coach
    a family court judge
    a city planner
    a pharmacist
    a car mechanic
    a cabinet maker
    a barista
    a sommelier
    a midwife
    a geologist
    a meteorologist
    a historian
    a stage actor
    a puppeteer
    a commercial diver
    a sheep farmer
    a cheesemaker
    a potter
    a bookbinder
    a postal worker
    a taxi driver
    a hotel concierge
    a flight attendant
    an archaeologist
    an electrician
    an architect
    an economist
    an ice cream seller
    an astronomer
    an election observer
    an orchard owner
    a kindergarten teacher
    a nutritionist
    a physiotherapist
    a blacksmith
    a trawler captain
    a park gardener
    a radio presenter
    a comedian
    a tour guide
    a lifeguard
    a wind farm technician
    a land surveyor
    a climate scientist
    a startup founder
    a union organiser
    a school bus driver
    a rescue dog trainer
    a coffee farmer
    a sushi chef
    a costume designer
    a stonemason
    a mountain rescue volunteer
    a paramedic
    a sailor
    a jeweller
    a hairdresser
    a delivery driver
    a robotics student
    a linguist
    a philosophy lecturer
    a poet
    a novelist
    a dog walker
    a small-town mayor
    a customs officer
    a hospice chaplain
""")

NAME = _lines("""
    Amara
    Bilal
    Chen
    Dalia
    Emeka
    Farah
    Gustavo
    Hana
    Ibrahim
    Jana
    Kofi
    Leila
    Mateo
    Nadia
    Oskar
    Priya
    Quinn
    Rafael
    Sofia
    Tariq
    Uma
    Viktor
    Wen
    Ximena
    Yusuf
    Zara
    Aiko
    Bruno
    Carmen
    Dmitri
    Elif
    Femi
    Greta
    Hugo
    Ines
    Jonas
    Kavya
    Lars
    Mei
    Nikhil
    Olga
    Pablo
    Rosa
    Samir
    Tomas
    Valentina
    Wiktor
    Yara
    Zeynep
    Anika
    Ben
    Chiara
    Diego
    Esther
    Felix
    Gabriela
    Henrik
    Isla
    Jamal
    Keiko
    Lucas
    Maya
    Noor
    Omar
    Paula
    Ravi
    Sara
    Theo
    Ulla
    Vera
    William
    Yasmin
    Zoe
    Ahmed
    Beatriz
    Connor
    Daniela
    Erik
    Fatima
    George
    Hiroshi
    Ivana
    Javier
    Kemal
    Lena
    Marco
    Nina
    Owen
    Pia
    Rohan
    Selin
    Tanvir
    Ursula
    Vikram
    Wanjiru
    Yuki
    Zainab
    Alejandro
    Bianca
    Cyrus
    Dana
    Eamon
    Freya
    Goran
    Helga
    Idris
    Julia
    Kenji
    Lucia
    Mohammed
    Nora
    Orla
    Petra
    Rania
    Stefan
    Tess
""")

PLACE = _lines("""
    a seaside village in Portugal
    a crowded train station
    a mountain hut in the Alps
    a night market in Taipei
    a small island in the Pacific
    a desert town in Arizona
    a fishing harbour in Norway
    a rooftop garden in Cairo
    a quiet public library
    a research station in Antarctica
    a vineyard in Chile
    a rice terrace in Bali
    a bakery in Lyon
    an abandoned textile mill
    a floating market in Bangkok
    a ski resort out of season
    a sprawling university campus
    a farmers' market
    a tiny apartment in Tokyo
    a ferry crossing the Baltic
    a suburban cul-de-sac
    a rainforest lodge
    a high-school cafeteria
    a city park at dawn
    a medieval castle
    a spice market in Marrakesh
    a canal boat in Amsterdam
    a cattle ranch in Argentina
    a fire lookout tower
    a small-town barber shop
    a shared coworking space
    a remote weather station
    a coffee plantation in Colombia
    a busy airport lounge
    a snowed-in cabin
    a neighbourhood laundromat
    a Scottish island
    a tea house in Kyoto
    a hospital waiting room
    a community garden
    a sailing boat at sea
    a night train to Vienna
    a packed football stadium
    a village school in Kenya
    a bookshop in Dublin
    an old observatory
    a salt flat in Bolivia
    a harbour cafe
    a tomato greenhouse
    a theatre backstage
    a city bus at rush hour
    a mountain monastery
    a recycling centre
    a fire station
    a chess club
    a beach at low tide
    a border town
    a food truck festival
    a street in Havana
    a limestone cave system
    a cliffside trail
    a riverside campsite
    a village in the Andes
    a glass office tower
    a zoo at closing time
    a planetarium
    an ice hotel in Sweden
    an orchard in autumn
    an airport control tower
    an empty shopping mall
""")

PRODUCT = _lines("""
    a folding bicycle
    a cast-iron skillet
    noise-cancelling headphones
    a solar phone charger
    a standing desk
    a robot vacuum cleaner
    a reusable water bottle
    a smart doorbell
    trail running shoes
    an electric kettle
    a budget laptop
    a down sleeping bag
    a burr coffee grinder
    a kick scooter for children
    a houseplant subscription
    a language-learning app
    a meal-kit delivery service
    a fitness tracker
    a wool winter coat
    a camping stove
    a mechanical keyboard
    a baby stroller
    a bamboo toothbrush
    a pressure cooker
    an e-reader
    a dishwasher
    a garden hose
    a pet water fountain
    a yoga mat
    a travel backpack
    a desk lamp
    a weighted blanket
    a bread machine
    a rain jacket
    a pair of reading glasses
    a smartwatch
    an air purifier
    a cordless drill
    a four-person tent
    a set of kitchen knives
    a beginner's cookbook
    a weekend hotel stay
    a car rental
    a gym membership
    a dog harness
    a bicycle helmet
    a stand mixer
    a rice cooker
    a pair of hiking poles
    a tablet for kids
    an office chair
    a memory foam mattress
    a humidifier
    a snow shovel
    a push lawn mower
    a microwave oven
    a French press
    a thermos flask
    wool hiking socks
    a sun hat
    a beach umbrella
    a phone case
    a bike lock
    an inflatable kayak
    a beginner telescope
    a sewing machine
    a four-slice toaster
    a countertop blender
    a smoke alarm
    an electric toothbrush
    a digital thermometer
    a bird feeder
    a compost bin
    a spice rack
    a jigsaw puzzle
    a wooden chess set
    a pair of binoculars
    a hard-shell suitcase
    a picnic blanket
    a cordless vacuum
""")

OCCASION = _lines("""
    a neighbour's retirement party
    the first day at a new job
    a child's seventh birthday
    a surprise anniversary dinner
    a farewell lunch for a colleague
    a community clean-up day
    a housewarming party
    a school science fair
    a charity bake sale
    a family reunion
    a graduation ceremony
    a small office holiday party
    a rainy weekend at home
    a book launch
    a wedding rehearsal dinner
    a company's tenth anniversary
    a grandparent's ninetieth birthday
    a team's end-of-season dinner
    a garden open day
    a welcome evening for new students
    a library reading night
    a fundraising gala
    a picnic in the park
    an old friend's visit
    a baby shower
    a promotion celebration
    a village harvest festival
    a fire station open day
    a weekend chess tournament
    a student hackathon
    a street party
    a volunteer thank-you evening
    a coworker's last day
    a snow day with the kids
    a summer camp opening night
    a museum late opening
    a charity fun run
    a pub quiz night
    a New Year's Eve dinner
    a friend's recovery from surgery
    a twenty-year school reunion
    a product launch
    a conference networking breakfast
    a farewell for a retiring teacher
    a board game night
    a neighbourhood cooking class
    a beach clean-up
    a book club's fifth anniversary
    an awards night for volunteers
    a first meeting with future in-laws
    {name4}'s {ordinal} birthday
    the opening of {business2} in {place3}
    a talk on {topic3} at {venue2}
    {name4}'s leaving party
    a workshop on {topic3}
    the launch of {product2}
    a {weekday2} evening class on {topic3}
""")

GOAL = _lines("""
    run a first 10K race
    learn conversational Spanish
    cut grocery spending
    read more books
    sleep better
    save for a deposit on a flat
    start a vegetable garden
    switch careers into nursing
    get better at public speaking
    pay off a credit card
    learn to swim
    build a small side business
    cook more meals at home
    reduce screen time
    write a first novel
    become more organised at work
    train a new puppy
    prepare for a driving test
    learn to touch type
    improve posture at a desk
    make new friends after moving
    learn to bake bread
    volunteer more regularly
    plan a wedding on a budget
    get fit after an injury
    learn the basics of investing
    cycle to work
    host better dinner parties
    improve a credit score
    pass a statistics exam
    prepare for a job interview
    declutter a small apartment
    reduce food waste
    learn first aid
    speak up more in meetings
    learn to knit
    keep in touch with old friends
    drink less coffee
    earn a promotion
    negotiate a higher salary
    raise money for a local animal shelter
    learn simple clothing repairs
    make a home more energy efficient
    teach a child to ride a bike
    become a better listener
    train for a first half marathon
    learn to cook for one
    start running again
    take up birdwatching
    learn basic sign language
    finish an online degree
    launch a podcast
    study for a citizenship test
    manage stress during exams
    grow herbs on a balcony
    keep a budget for a whole year
    learn to meditate
    stop hitting the snooze button
    care for an aging parent
    use less single-use plastic
    build an emergency fund
    learn basic car repairs
    become a morning person
    improve their handwriting
    learn to play chess
    write letters to family more often
""")

TIME_BUDGET = _lines("""
    within three months
    in six weeks
    with only twenty minutes a day
    before the end of the year
    over one summer
    on weekends only
    in thirty days
    while working full time
    on a budget of fifty dollars
    without spending any money
    before a new baby arrives
    during a busy semester
    in time for spring
    over the next two years
    despite a packed travel schedule
    while caring for two toddlers
    after a long illness
    around a night-shift schedule
    using only free resources
    with help from a friend
    in small daily steps
    during the winter months
    on a student budget
    before turning forty
    during a gap year
""")

PROBLEM = _lines("""
    keeps procrastinating on a thesis
    struggles to sleep after night shifts
    feels overwhelmed by email
    cannot stick to a budget
    has a noisy upstairs neighbour
    is nervous about a presentation next week
    argues with a roommate about chores
    forgets to water the houseplants
    spends too much on takeaway food
    has trouble saying no to extra work
    feels lonely after moving to a new city
    keeps losing their keys
    finds it hard to wake up early
    has a manager who gives vague feedback
    is behind on the reading for a course
    feels stuck in a dull job
    has a teenager who will not talk at dinner
    runs out of money before payday
    cannot find time to exercise
    is anxious about a medical appointment
    has too many unfinished projects
    gets distracted by their phone while studying
    received a rude comment from a customer
    has a friend who always cancels plans
    wants to quit sugar but keeps snacking
    is dreading a difficult conversation with a sibling
    has a garage full of clutter
    is unsure which university course to choose
    keeps missing the morning bus
    has a dog that barks at every visitor
    is juggling two part-time jobs
    feels out of place in a new team
    has trouble remembering names
    struggles with a ninety-minute commute
    needs to give critical feedback to a friend
    has a slow old laptop
    is overwhelmed by planning a house move
    gets nervous when speaking a second language
    keeps buying clothes that are never worn
    has neighbours who block the driveway
    cannot decide between two job offers
    is caring for a sick parent while working
    lost motivation halfway through a course
    wants to ask for a raise but feels awkward
    burns dinner whenever trying a new recipe
    feels tired every afternoon
    is bored every weekend
    finds busy group chats overwhelming
    keeps getting flat bicycle tyres
    overspends on birthday gifts
    has a colleague who takes credit for their work
    wants to learn new skills but cannot afford classes
    finds it hard to focus in an open-plan office
    has a child who is afraid of the dark
    is planning a long trip but hates flying
    never knows what to cook on weeknights
    is about to retire and feels uncertain
""")

# --- output building blocks ---------------------------------------------------------

ANALOGY = _lines("""
    a relay race in which each runner hands something on
    a kitchen where every cook has exactly one job
    a savings jar that fills a little each day
    a river slowly carving its own path
    a library with a very strict catalogue
    a game of whispers played over centuries
    a thermostat that keeps nudging a room back to comfort
    a busy airport where timing is everything
    a garden that needs both sun and patience
    a team sport where positions matter more than stars
    a set of dominoes lined up across a table
    a recipe where the order of steps matters
    a bank account that earns and spends at the same time
    a crowded dance floor where everyone adjusts to everyone else
    a spring that stores energy and lets it go later
    a neighbourhood where every house shares one water pipe
    a puzzle whose pieces only make sense together
    a conversation in which each reply changes the next one
    a ladder that you climb one rung at a time
    a filter that lets some things through and holds others back
    a map of roads that are still being built
    a see-saw that is always looking for balance
    a snowball rolling downhill and picking up more snow
    an orchestra without a conductor
    a marketplace where everyone bargains at once
""")

INSIGHT = _lines("""
    Most of what matters about {topic} happens gradually, through many small steps rather than one dramatic event.
    People tend to notice {topic} only when something goes wrong, yet it is at work all the time.
    The details of {topic} differ from place to place, but the underlying idea stays the same.
    Experts still argue about parts of {topic}, so it helps to separate what is settled from what is not.
    A good way to remember {topic} is to connect it to something you already do every day.
    The history of {topic} is full of lucky accidents and stubborn individuals.
    Small changes in {topic} can add up to large effects over a few years.
    What makes {topic} tricky is that cause and effect are often far apart in time.
    Much of the public debate about {topic} is really a debate about costs and who pays them.
    Looking at {topic} through real numbers usually clears up the biggest misunderstandings.
    {Topic} looks simple from the outside, but it depends on several parts working together.
    Early ideas about {topic} were often wrong, and correcting them took decades.
    Many everyday habits are shaped by {topic} without anyone noticing.
    Comparing {topic} across countries shows how much local choices matter.
    The most reliable facts about {topic} come from long-term observation, not single studies.
    There is usually a trade-off at the heart of {topic}: gaining one thing means giving up another.
    {Topic} is easier to follow once you know the handful of terms people use to describe it.
    Weather, money and habit all play a part in how {topic} shows up in daily life.
    Beginners often overestimate how fast {topic} changes and underestimate how long the changes last.
    A single clear example explains {topic} better than a page of definitions.
""")

TAKEAWAY = _lines("""
    small, steady changes add up to large effects
    the cheapest option is not always the best value
    asking a clear question is half of the answer
    timing often matters as much as effort
    simple habits beat complicated plans
    what you measure is what you end up improving
    every benefit comes with a cost somewhere else
    most problems look smaller once they are broken into parts
    patience usually pays off more than speed
    the details depend on context, but the principle holds
    good information is worth checking twice
    cooperation tends to outlast competition
    the first explanation you hear is rarely the whole story
    it is worth starting small and adjusting as you go
    a little curiosity goes a long way
""")

SIMPLE_DEF = _lines("""
    a set of connected processes that slowly shape the world around us
    a way of balancing what people want with what is available
    an idea that explains why small causes can have large effects
    a practical system people built to solve a recurring problem
    a pattern that appears whenever many parts interact
    a set of rules of thumb that grew out of long experience
    a natural process that repeats in a predictable cycle
    a tool for making decisions when the future is uncertain
    a shared agreement that lets strangers cooperate
    a method for getting reliable results from messy situations
""")

EVERYDAY = _lines("""
    paying for groceries
    waiting for a late bus
    cooking a pot of pasta
    charging a phone overnight
    walking a dog in the rain
    sorting the weekly laundry
    planning a birthday party
    splitting a restaurant bill
    watering a window box
    packing a suitcase
    queueing at the post office
    choosing what to wear in the morning
    making a cup of tea
    riding a bicycle uphill
    reading a bus timetable
    saving coins in a jar
""")

EXAMPLE_SENTENCE = _lines("""
    the same pattern appears there, only on a smaller scale.
    each small decision feeds into the next, just as it does with {topic}.
    you can see the cause and the effect within a few minutes.
    the result depends on what happened a step earlier.
    a tiny change at the start makes a noticeable difference at the end.
    nobody plans the whole thing, yet it usually works out.
""")

MISCONCEPTION_REASON = _lines("""
    it is usually described with jargon rather than examples
    the headlines focus on rare, dramatic cases
    school lessons often skip the messy middle part
    the effects show up long after the causes
    two different things share the same name
    popular films and shows simplify it for drama
    the early explanations stuck around after they were corrected
    people judge it from one personal experience
""")

COMPARE_FOCUS = _lines("""
    cost
    long-term risks
    how they affect families
    who benefits most
    the skills needed to understand them
    their history
    environmental impact
    how they are measured
    what beginners find confusing
    how they might change in the next decade
    their effect on small towns
    the strength of the evidence behind them
    how they show up in the news
    the role of government
    safety
    how much they depend on luck
    everyday convenience
    how easy they are to explain to children
""")

COMPARE_COMMON = _lines("""
    shape decisions that people make every day
    are easier to understand with a concrete example
    have a longer history than most people expect
    depend on many small parts working together
    are often misunderstood in popular culture
    respond to changes in money and habit
""")

COMPARE_DIFF = _lines("""
    usually has more immediate effects
    is easier to measure directly
    tends to get more public attention
    depends more on individual choices
    changes more slowly
    is harder to explain without numbers
""")

TIMESCALE = _lines("""
    decades
    a lifetime
    the long run
    several generations
    a single season
    many years
""")

FACT_STYLE = _lines("""
    in one sentence
    with a short explanation of why it is true
    phrased as a question and an answer
    with a real-world example
    simple enough to repeat at dinner
    under twenty words
    with the year it was discovered
    followed by a related question to think about
""")

LENGTH_STYLE = _lines("""
    under 100 words
    to two short paragraphs
    to five bullet points
    brief but specific
    to a single paragraph
    short enough to read aloud in a minute
    to three sentences
    focused on one example
""")

THREE = _lines("""
    three
    three fresh
    three practical
    three quick
    three original
    three low-cost
    three unusual
    three memorable
    three budget-friendly
    three quiet
    three lively
    three simple
""")

IDEA = _lines("""
    A themed quiz with small homemade prizes for the winners.
    A potluck where everyone brings a dish from their childhood.
    A short walking tour that ends at a favourite cafe.
    A memory jar where guests leave handwritten notes.
    A swap table for books, plants and spare kitchen tools.
    A simple craft station with paper, glue and bright ribbons.
    A story circle where each person adds one sentence.
    A friendly cook-off judged by the youngest guests.
    A treasure hunt with clues hidden around the garden.
    A phone-free evening of board games and tea.
    A round of toasts where three people each share one short story.
    A volunteer hour that the whole group does together.
    A tasting table of local breads and cheeses.
    A lantern walk at dusk with warm drinks afterwards.
    A mini talent show with a strict two-minute limit per act.
    A planting session where everyone leaves with a seedling.
    A trivia round about the guest of honour.
    A breakfast picnic instead of the usual dinner.
    A group postcard signed by everyone and mailed the next day.
    A short cooking demonstration followed by a shared meal.
""")

STEP = _lines("""
    Write the goal down in one sentence and put it somewhere you will see it daily.
    Block two short sessions in the calendar each week and treat them like appointments.
    Start with the smallest version of the task that still counts.
    Tell one friend about the plan and agree on a weekly check-in.
    Remove one obstacle in advance, such as preparing what you need the night before.
    Track progress on paper for the first month; seeing it helps.
    Expect one bad week and decide now how you will restart after it.
    Reward the first milestone with something small but real.
    Ask someone who has done it for the one thing they wish they had known.
    Review what worked at the end of each week and drop what did not.
    Keep the first attempt cheap so that mistakes cost little.
    Pair the new habit with something you already do every day.
    Set a realistic deadline and split it into monthly checkpoints.
    Learn the basic vocabulary first; it makes every guide easier to follow.
    Protect sleep and meals, because everything else gets harder without them.
    Choose one trusted source of advice instead of reading ten.
    Say no to one existing commitment to make room for the new one.
    Practise in low-stakes settings before the moment that matters.
""")

QUESTION = _lines("""
    How does {topic} actually work from day to day?
    Who decides the rules around {topic}?
    What would change if {topic} disappeared tomorrow?
    Why do experts disagree about {topic}?
    How did people manage before {topic} was understood?
    What is the most common mistake people make about {topic}?
    How can an ordinary person find out more about {topic}?
    Is {topic} the same everywhere in the world?
    What does {topic} cost, and who pays for it?
    How will {topic} look in twenty years?
""")

POEM_LINE = _lines("""
    Morning settles softly like a folded letter
    And every small thing waits its turn to shine
    The wind keeps count of what the day forgot
    While patient hands repair what time has worn
    A kettle hums, a door swings open wide
    The streets remember every step we take
    Beneath the noise there is a steady rhythm
    And quiet work becomes a kind of song
    The light arrives a little late in winter
    Yet no one here has ever stopped believing
    What seems too slow is building something lasting
    And evening folds the hours into gold
""")

STORY_OPENING = _lines("""
    Nobody in {place} expected the delivery that arrived on a grey Tuesday morning.
    The first thing {name} noticed was the silence, which was unusual for {place}.
    It had rained for three days straight when {name} finally opened the old cupboard.
    Everyone in {place} knew the rule, but {name} had never understood why it existed.
    The note was written in careful capitals and signed with a single initial.
    By the time the last bus left {place}, {name} had made up their mind.
""")

DISCOVERY = _lines("""
    a locked box of letters written fifty years ago
    a stray cat that seems to understand every word
    a hidden room behind a bookshelf
    an old recipe that nobody can quite explain
    a set of keys that fit no door in town
    a coin from a country that no longer exists
    a diary that predicts tomorrow's weather
    a message scratched into a window frame
    a tiny garden growing where nothing should grow
    an unsent postcard addressed to themselves
    a letter from {name4} hidden inside {product2}
    an album of pressed flowers with dates beside each one
    a ticket for {occasion2} dated thirty years ago
    a notebook about {topic3} in a stranger's handwriting
    a second key to {business2}
    a recipe card signed by {name4}
    a message in a bottle from {place3}
    an unfinished portrait of {role3}
    a box of postcards from {place3}
    a list of names with {name4}'s crossed out
""")

HYPOTHETICAL = _lines("""
    every city banned private cars overnight
    the working week shrank to four days everywhere
    paper money disappeared within a year
    every school started an hour later
    the internet went offline for a whole week
    all packaging had to be reusable
    summers became two degrees warmer
    everyone had to learn a second language by age ten
    public transport became free in every country
    people lived on average to one hundred and twenty
    all advertising was banned in public spaces
    every household produced its own electricity
    nobody could fly for a full year
    grocery prices doubled overnight
    each town had to grow half of its own food
    {topic3} became free for everyone
    every {business2} had to close at noon
    {place3} doubled its population in a decade
    nobody could use {product2} for a month
    {topic3} were taught in every primary school
    a law banned {topic3} overnight
    the price of {product2} fell by ninety percent
    every town held {occasion2} once a month
    {role3} became the most admired job in the country
    schools replaced exams with projects on {topic3}
    half the workforce moved to {place3}
    daylight lasted four hours longer
    every street had {business2}
    a storm cut {place3} off for a week
    {name4} became mayor and cancelled all meetings
""")

CLAIM = _lines("""
    because {topic} is complicated, ordinary people should not bother learning about it
    since last winter was mild, {topic} must matter less than it used to
    {topic} worked for my uncle, so it will work for everyone
    if something about {topic} is popular online, it must be true
    experts changed their minds about {topic} once, so we should never trust them
    because {topic} is old, it cannot be relevant today
    anything new about {topic} is automatically better than the old approach
    one bad experience proves that {topic} is a waste of money
    if nobody in our street cares about {topic}, it cannot be important
    because two things happened at the same time, {topic} must have caused the other
    {topic} must be safe because {role3} uses it every day
    {topic} is pointless since {place3} manages without it
    we should copy whatever {place3} does about {topic}
    nobody needs to study {topic} now that computers exist
    {topic} only matters to people like {audience}
    the louder side of the debate about {topic} is probably right
    {topic} caused the problems at {occasion2} because it was mentioned there
    since {name4} disagrees about {topic}, the opposite must be true
    {topic} is natural, so it must be good for you
    if {topic} were important, {role3} would have mentioned it
""")

FLAW_NOTE = _lines("""
    It generalises from a single case to everyone.
    It treats a coincidence in time as proof of cause.
    It confuses popularity with evidence.
    It assumes that changing one's mind is a weakness rather than a correction.
    It judges an idea by its age instead of by how well it works.
    It ignores the many cases that do not fit the story.
""")

REQUEST = _lines("""
    for a short extension on a deadline
    whether an order can be delivered on a Saturday
    for feedback on a first draft
    to reschedule a meeting to next week
    for a refund on a damaged item
    for advice on choosing a course
    to borrow equipment for a community event
    for a reference for a new job
    to join a volunteer programme
    for clearer instructions about a project
    for permission to work from home on Fridays
    for a quote for repairing a roof
    about the opening hours during the holidays
    to split a large order into two deliveries
""")

BUSINESS = _lines("""
    a bicycle repair shop
    a small bakery
    a mobile coffee cart
    a secondhand bookshop
    a dog grooming service
    a plant nursery
    a neighbourhood tool library
    a vegan food truck
    a tutoring service
    a pottery studio
    a laundrette with a cafe
    a cheese shop
    a climbing gym
    a repair cafe
    a children's bookshop
    a tea room
    a mobile library van
    a family-run hardware store
    a bike-share scheme
    a zero-waste grocery
    a neighbourhood bakery cafe
    a dog daycare
    an escape room
    a hiking gear rental shop
    a community theatre
    a language school
    a vintage clothing stall
    a night market food stall
    a small printing press
    a flower delivery service
    a repair shop for old radios
    a pick-your-own strawberry farm
    a board game cafe
    a campsite by a lake
    a sewing studio
    a second-hand furniture shop
    a seaside fish and chip shop
    a coworking space for parents
    a youth football club
    a bicycle touring company
""")

SHOP_ADJ = _lines("""
    Copper
    Quiet
    Golden
    Little
    Rusty
    Honest
    Bright
    Wandering
    Crooked
    Northern
    Humble
    Lucky
""")

SHOP_NOUN = _lines("""
    Kettle
    Lantern
    Sparrow
    Spoke
    Anchor
    Acorn
    Harbour
    Thimble
    Compass
    Meadow
    Ladder
    Pebble
""")

TEXT_KIND = _lines("""
    message
    announcement
    paragraph
    email
    notice
    note
    reply
    reminder
    invitation
    update
""")

WEEKDAY = _lines("""
    Monday
    Tuesday
    Wednesday
    Thursday
    Friday
    Saturday
    Sunday
""")

CLOCK = _lines("""
    8:30
    9:15
    10:00
    11:45
    12:30
    14:00
    15:20
    16:45
    18:00
    19:30
""")

VENUE = _lines("""
    the community hall
    the back room of the library
    the cafe on Station Road
    the school gym
    the main office
    the park pavilion
    the town museum
    the sailing club
""")

GROUP = _lines("""
    two grandparents and a teenager
    a couple on a tight budget
    four university friends
    a family with a toddler
    a solo traveller in a wheelchair
    three colleagues after a conference
    a pair of keen hikers
    a parent and two curious children
""")

GROUP_PREF = _lines("""
    love long walks and local food
    want to avoid crowds
    prefer museums on rainy days
    are early risers
    want to spend almost nothing
    hate long drives
    enjoy learning a few words of the local language
    want at least one lazy afternoon
""")

TRIP_LEN = _lines("""
    two-day
    three-day
    long-weekend
    five-day
    week-long
""")

MONEY = _lines("""
    200 dollars
    150 euros
    500 dollars
    80 pounds
    1,000 dollars
    300 euros
""")

# --- classification pairs (text | label | reason) -------------------------------------

REVIEW = _rows("""
    I bought {product} last month and it has already become part of my routine. Setup took five minutes. | Positive | "already become part of my routine" shows clear satisfaction.
    {Product} looked great in the shop, but it stopped working after two weeks and support never replied. | Negative | "stopped working after two weeks" and the ignored support request decide it.
    The build quality of {product} is solid, although the price feels high for what you get. | Mixed | Praise for the quality is balanced by "the price feels high".
    Honestly the best purchase I made this year. {Product} does exactly what it promises. | Positive | "the best purchase I made this year" is strongly favourable.
    {Product} arrived with a missing part and the instructions were confusing. I returned it. | Negative | The missing part and the return make the verdict negative.
    It does the job. {Product} is not exciting, but it has not let me down either. | Mixed | "not exciting" and "has not let me down" pull in opposite directions.
    My kids love {product}, though it is louder than I expected. | Mixed | The children's enthusiasm is offset by the noise complaint.
    After a year of daily use {product} still works like new. Worth every cent. | Positive | "still works like new" and "worth every cent" are both favourable.
""")

STATEMENT = _rows("""
    {Topic} has been studied by researchers for more than a century. | Fact | It can be checked against the historical record.
    {Topic} is the most boring subject anyone could choose. | Opinion | "most boring" is a personal judgement.
    Every country handles {topic} in a slightly different way. | Fact | It describes observable differences that can be documented.
    Schools spend far too much time on {topic}. | Opinion | "far too much" depends on the speaker's values.
    {Topic} is discussed in many textbooks and news articles. | Fact | It is verifiable by looking at published material.
    Anyone who cares about {topic} is wasting their weekends. | Opinion | It is a value judgement about how others spend their time.
""")

MEMO = _rows("""
    hey all, {occasion} is on {weekday} at {clock}. pls bring {product} if u have one, we dont have enough. ask {name2} if confused | Hello everyone, {occasion} takes place on {weekday} at {clock}. If you have {product}, please bring it along, as we are short. {Name2} can answer any questions.
    To who it may concern, the meeting about {topic} have been moved to {weekday}, sorry for any inconvenient. | To whom it may concern: the meeting about {topic} has been moved to {weekday}. We apologise for any inconvenience.
    {Name} here. cant make {occasion}, something came up with work. really sorry, will make it up to you!! | Hi, it's {Name}. Unfortunately I can't make {occasion} because of a work commitment. I'm truly sorry and hope to make it up to you soon.
    reminder that the fridge gets cleaned on {weekday}. anything left in there gets thrown out. no exceptions this time. | A quick reminder: the fridge will be cleaned on {weekday}, and anything left inside will be thrown away. Please collect your items before then.
    We was hoping more people would sign up for {occasion} but only a few did, so we maybe cancel it. | We had hoped more people would sign up for {occasion}. Since only a few have, we may need to cancel it.
    Dear {name2}, thanks for the {product}, it are exactly what we needed for {occasion}. | Dear {Name2}, thank you for {product}; it was exactly what we needed for {occasion}.
""")

NOTES = _rows("""
    - {occasion} on {weekday}\\n- need volunteers, maybe 6\\n- {name2} handles food\\n- ask about {venue} | {Occasion} is planned for {weekday}. We are looking for about six volunteers; {name2} is taking care of the food, and we still need to confirm {venue}.
    - talk about {topic}\\n- keep it short, 10 min max\\n- one example\\n- questions at end | The talk will cover {topic} in at most ten minutes, built around a single example, with time for questions at the end.
    - budget tight\\n- {product} too expensive\\n- look for secondhand\\n- decide by {weekday} | Our budget is tight and {product} is too expensive new, so we will look for a secondhand one and decide by {weekday}.
""")

SCHEDULE = _rows("""
    {Name} and {name2} will meet {name3} at {venue} on {weekday} at {clock} to go over plans for {occasion}. | People: {Name}, {Name2}, {Name3}\\nPlace: {venue}\\nTime: {weekday} at {clock}
    Please note: {name2} is covering for {name} on {weekday}. The handover is at {clock} in {venue}. | People: {Name2}, {Name}\\nPlace: {venue}\\nTime: {weekday} at {clock}
    On {weekday}, {name} will lead a short session about {topic} at {venue}, starting at {clock}. {Name3} will take notes. | People: {Name}, {Name3}\\nPlace: {venue}\\nTime: {weekday} at {clock}
""")

# --- code ------------------------------------------------------------------------------

# (phrase, snake-case verb, infinitive phrase)
CODE_OP = _rows("""
    counts the | count | count the
    returns the unique | unique | return the unique
    sorts the | sort | sort the
    groups the | group | group the
    validates the | validate | validate the
    normalises the | normalise | normalise the
    finds the longest of the | longest | find the longest of the
    returns the first three | first | return the first three
    masks all but the last four characters of the | mask | mask all but the last four characters of the
    capitalises the | capitalise | capitalise the
    removes repeated | dedupe | remove repeated
    extracts the | extract | extract the
    reverses the order of the | reverse | reverse the order of the
    checks the format of the | check | check the format of the
    merges the | merge | merge the
    shortens the | shorten | shorten the
    finds the most frequent of the | frequent | find the most frequent of the
    trims whitespace from the | trim | trim whitespace from the
    splits the | split | split the
    pads the | pad | pad the
    filters out invalid | valid | filter out invalid
    ranks the | rank | rank the
    deduplicates and sorts the | tidy | deduplicate and sort the
    converts to lowercase the | lower | convert to lowercase the
    finds the shortest of the | shortest | find the shortest of the
    returns the last five | last | return the last five
    pairs up the | pair | pair up the
    buckets by first letter the | bucket | bucket by first letter the
""")

# (phrase, snake_case, CamelCase)
CODE_ITEM = _rows("""
    words | words | Words
    email addresses | emails | Emails
    timestamps | timestamps | Timestamps
    product codes | codes | Codes
    temperatures | temperatures | Temperatures
    usernames | usernames | Usernames
    phone numbers | phones | Phones
    prices | prices | Prices
    postcodes | postcodes | Postcodes
    city names | cities | Cities
    hashtags | hashtags | Hashtags
    invoice numbers | invoices | Invoices
    student grades | grades | Grades
    order IDs | order_ids | OrderIds
    book titles | titles | Titles
    IP addresses | ips | Ips
    config keys | keys | Keys
    ticket references | tickets | Tickets
    ISBN numbers | isbns | Isbns
    licence plates | plates | Plates
    colour codes | colours | Colours
    airport codes | airports | Airports
    recipe ingredients | ingredients | Ingredients
    station names | stations | Stations
    sensor IDs | sensors | Sensors
    bank references | refs | Refs
    coupon codes | coupons | Coupons
    employee badges | badges | Badges
    chess moves | moves | Moves
    street names | streets | Streets
""")

CODE_SOURCE = _lines("""
    in a list of strings
    from a line of comma-separated text
    in a nested dictionary
    in a paragraph of plain text
    from a server log line
    in a two-dimensional array
    in a queue of incoming messages
    across two sorted lists
    in a JSON string
    typed in by the user
    in a list of customer records
    in a single sentence
    in a list of tuples
    in a stream of sensor readings
    read from a CSV export of {business2} sales
    collected during {occasion2}
    from a form on the website of {business2}
    in the records of a library in {place3}
    from a spreadsheet column
    in a sorted array
    in a lookup table keyed by date
    from a chat transcript
    in a batch of survey answers
    in an inventory for {business2}
    from a booking system in {place3}
    in a list of dictionaries
    returned by a REST API
    in a text message backlog
""")

CODE_COND = _lines("""
    that appear more than once
    that start with a given prefix
    longer than twelve characters
    while ignoring letter case
    while keeping the original order
    without using a built-in sort
    in a single pass
    using a dictionary for lookups
    and returns the result as a new list
    that contain at least one digit
    that match a simple pattern
    and handles an empty input gracefully
    without modifying the input
    and raises an error on malformed entries
    that are shorter than {n_small} characters
    that occur at least {n_small} times
    while treating accented letters as plain ones
    in O(n) time
    with memory use that stays constant
    and reports how many were skipped
    and logs each rejected entry
    using recursion
    using only the standard library
    and returns a count alongside the result
    that contain no spaces
    and keeps ties in their original order
    within a time limit of one second
    and documents its behaviour in a docstring
""")

# (name, fence tag, code, buggy code, what the bug is)
LANG = _code_rows("""
    Python | python | def FN_SNAKE(values):\\n    seen = set()\\n    result = []\\n    for value in values:\\n        key = value.strip().lower()\\n        if key and key not in seen:\\n            seen.add(key)\\n            result.append(value)\\n    return result | def FN_SNAKE(values):\\n    result = []\\n    for i in range(1, len(values)):\\n        result.append(values[i].strip())\\n    return result | the loop starts at index 1, so the first element is silently skipped; iterate over the values directly instead
    Python | python | from collections import Counter\\n\\ndef FN_SNAKE(values):\\n    counts = Counter(v.strip().lower() for v in values if v.strip())\\n    return [value for value, _ in counts.most_common()] | def FN_SNAKE(values, acc=[]):\\n    for value in values:\\n        acc.append(value.lower())\\n    return acc | the default list is shared between calls, so results pile up; use None as the default and create a new list inside
    JavaScript | javascript | function FN_CAMEL(values) {\\n  const seen = new Set();\\n  return values.filter((value) => {\\n    const key = value.trim().toLowerCase();\\n    if (!key || seen.has(key)) return false;\\n    seen.add(key);\\n    return true;\\n  });\\n} | function FN_CAMEL(values) {\\n  for (var i = 0; i <= values.length; i++) {\\n    values[i] = values[i].trim();\\n  }\\n  return values;\\n} | the loop runs one step past the end (<= instead of <) and it also mutates the caller's array
    TypeScript | typescript | export function FN_CAMEL(values: string[]): string[] {\\n  const seen = new Set<string>();\\n  const result: string[] = [];\\n  for (const value of values) {\\n    const key = value.trim().toLowerCase();\\n    if (key && !seen.has(key)) {\\n      seen.add(key);\\n      result.push(value);\\n    }\\n  }\\n  return result;\\n} | export function FN_CAMEL(values: string[]): string[] {\\n  const result = values;\\n  result.sort();\\n  return result;\\n} | it sorts the caller's array in place because result is the same object; copy it first with [...values]
    Go | go | func FN_CAMEL(values []string) []string {\\n\\tseen := make(map[string]bool)\\n\\tvar result []string\\n\\tfor _, v := range values {\\n\\t\\tkey := strings.ToLower(strings.TrimSpace(v))\\n\\t\\tif key != "" && !seen[key] {\\n\\t\\t\\tseen[key] = true\\n\\t\\t\\tresult = append(result, v)\\n\\t\\t}\\n\\t}\\n\\treturn result\\n} | func FN_CAMEL(values []string) []string {\\n\\tresult := make([]string, len(values))\\n\\tfor _, v := range values {\\n\\t\\tresult = append(result, v)\\n\\t}\\n\\treturn result\\n} | make with a length fills the slice with empty strings before appending; use make([]string, 0, len(values))
    Ruby | ruby | def FN_SNAKE(values)\\n  values\\n    .map(&:strip)\\n    .reject(&:empty?)\\n    .uniq { |v| v.downcase }\\nend | def FN_SNAKE(values)\\n  values.each { |v| v.strip }\\nend | each returns the original array and strip does not change it; use map (or strip!) instead
    Java | java | static List<String> FN_CAMEL(List<String> values) {\\n    Set<String> seen = new HashSet<>();\\n    List<String> result = new ArrayList<>();\\n    for (String value : values) {\\n        String key = value.trim().toLowerCase();\\n        if (!key.isEmpty() && seen.add(key)) {\\n            result.add(value);\\n        }\\n    }\\n    return result;\\n} | static List<String> FN_CAMEL(List<String> values) {\\n    for (String value : values) {\\n        if (value.trim() == "") values.remove(value);\\n    }\\n    return values;\\n} | strings are compared with == instead of isEmpty(), and removing from the list while iterating throws ConcurrentModificationException
    Rust | rust | fn FN_SNAKE(values: &[String]) -> Vec<String> {\\n    let mut seen = std::collections::HashSet::new();\\n    values\\n        .iter()\\n        .filter(|v| seen.insert(v.trim().to_lowercase()))\\n        .cloned()\\n        .collect()\\n} | fn FN_SNAKE(values: &[String]) -> Vec<String> {\\n    let mut result = Vec::new();\\n    for i in 0..=values.len() {\\n        result.push(values[i].clone());\\n    }\\n    result\\n} | the range 0..=len goes one past the end and panics; use 0..values.len() or iterate directly
    C# | csharp | static List<string> FN_CAMEL(IEnumerable<string> values) =>\\n    values\\n        .Select(v => v.Trim())\\n        .Where(v => v.Length > 0)\\n        .Distinct(StringComparer.OrdinalIgnoreCase)\\n        .ToList(); | static List<string> FN_CAMEL(List<string> values) {\\n    values.ForEach(v => v.Trim());\\n    return values;\\n} | Trim returns a new string, so the results are thrown away; use Select(v => v.Trim()).ToList()
    Kotlin | kotlin | fun FN_CAMEL(values: List<String>): List<String> =\\n    values\\n        .map { it.trim() }\\n        .filter { it.isNotEmpty() }\\n        .distinctBy { it.lowercase() } | fun FN_CAMEL(values: List<String>): List<String> {\\n    val result = mutableListOf<String>()\\n    for (i in 1 until values.size) result.add(values[i])\\n    return result\\n} | the loop starts at 1 and drops the first element; iterate with for (v in values)
    PHP | php | function FN_SNAKE(array $values): array {\\n    $seen = [];\\n    foreach ($values as $value) {\\n        $key = strtolower(trim($value));\\n        if ($key !== '' && !isset($seen[$key])) {\\n            $seen[$key] = $value;\\n        }\\n    }\\n    return array_values($seen);\\n} | function FN_SNAKE(array $values): array {\\n    foreach ($values as $value) {\\n        $value = trim($value);\\n    }\\n    return $values;\\n} | assigning to $value inside foreach changes a copy; use array_map('trim', $values)
""")

CODE_EXPLAIN = _lines("""
    walks through the input once and remembers what it has already seen, so it runs in linear time
    normalises each entry before comparing, which avoids treating "Abc" and "abc " as different
    keeps the original order of the first occurrences, which callers usually expect
    never changes the input, so it is safe to call on shared data
    skips blank entries instead of failing on them
""")

# (description, identifier)
SQL_TABLE = _rows("""
    customer orders | orders
    library loans | loans
    patient appointments | appointments
    bike rentals | rentals
    support tickets | tickets
    event registrations | registrations
    hotel bookings | bookings
    student enrolments | enrolments
    delivery routes | deliveries
    gym check-ins | checkins
    museum visits | visits
    parking permits | permits
    volunteer shifts | shifts
    farm deliveries | farm_deliveries
    course feedback | feedback
    warehouse stock | stock
    restaurant reservations | reservations
    ferry tickets | ferry_tickets
""")

SQL_TARGET = _lines("""
    the ten most recent rows for each customer
    the total amount per month
    the busiest day of the week
    every record without a matching customer
    the average duration per location
    the number of distinct users per week
    the top five cities by volume
    the share of cancelled entries
    the customers who have not returned in a year
    the longest gap between two visits per person
    a running total per day
    the first entry of every month
    each location's share of the total
    the duplicate rows that differ only by case
    the median value per category
    the five slowest days on record
    every row whose total is above the average
    the number of new sign-ups per weekday
    the three most common reasons for cancelling
    the earliest and latest entry per branch
""")

SQL_COND = _lines("""
    created in the last thirty days
    grouped by region
    excluding test accounts
    for the current calendar year
    where the status is still open
    sorted from largest to smallest
    for the branch in {place3}
    ignoring rows with missing dates
    limited to weekends
    split by age group
    only for repeat visitors
    rounded to two decimals
    with ties broken alphabetically
    excluding {weekday2} entries
    as a percentage of the yearly total
    for rows added since {occasion2}
""")

# (name, complexity)
ALGO = _rows("""
    binary search | O(log n)
    merge sort | O(n log n)
    insertion sort | O(n^2) in the worst case
    breadth-first search | O(V + E)
    Dijkstra's algorithm with a binary heap | O((V + E) log V)
    quicksort | O(n log n) on average
    a hash table lookup | O(1) on average
    counting sort | O(n + k)
    depth-first search | O(V + E)
    heap sort | O(n log n)
""")

# --- math word problems (computed in mock.py) -----------------------------------------

ITEM_PLURAL = _lines("""
    notebooks
    bus tickets
    packets of seeds
    jars of honey
    paperback novels
    bags of flour
    movie passes
    tins of paint
    bunches of tulips
    boxes of tea
    cinema tickets
    pairs of gloves
""")

# --- prose around the list, non-task answers ---------------------------------------

PREAMBLE = _lines("""
    Here are {n} new tasks:
    Sure! Here are {n} more tasks in the same format.
    Below are {n} new, varied tasks.
    Of course. Here is a fresh batch of {n} tasks:
    Here is a new set of {n} tasks covering different skills:
    Certainly, here are {n} diverse tasks:
""")

POSTSCRIPT = _lines("""
    I hope this mix of tasks is useful.
    Let me know if you would like more tasks of a particular kind.
    Feel free to ask for another batch.
    These tasks cover a range of skills and difficulty levels.
""")

ANSWER_OPEN = _lines("""
    The short answer about {w1} is that it depends on the context you have in mind.
    Good question. {W1} is usually best understood by looking at how it works in practice.
    In most cases, {w1} comes down to a balance between cost, time and effort.
    There is no single rule for {w1}, but a few principles help.
    People often ask about {w1}, and the honest answer is that it varies.
""")

ANSWER_MID = _lines("""
    When {w2} is involved, the first step is to be clear about what you want to achieve.
    It also helps to compare {w2} with a familiar everyday situation.
    Most of the confusion around {w2} disappears once the terms are defined.
    A useful habit is to check how {w2} has been handled by others before deciding.
    Keep in mind that {w2} can change over time, so revisit the question later.
""")

ANSWER_CLOSE = _lines("""
    If you share a few more details about {w3}, I can give a more specific answer.
    In short, start small, look at real examples of {w3}, and adjust as you learn.
    I hope this gives you a useful starting point for thinking about {w3}.
    A reliable reference on {w3} is worth reading if you need more depth.
""")

ANSWER_FALLBACK_WORDS = ("this question", "the topic", "the details")

# Words of a question that say nothing about its subject (the answer is built on the others).
ANSWER_STOPWORDS = frozenset(
    _words("""
    about above after again also because been before being below between both could does doing
    down during each from further have having here into just like make many more most much must
    only other over same should some such than that their theirs them then there these they this
    those through under until very want were what when where which while will with would your
    yours please tell explain know give think question answer
""")
)

# --- deliberately flawed items (the pipeline's filters must catch these) --------------

FLAW_SHORT = _lines("""
    Summarize this.
    Explain gravity.
    Be creative.
    Translate it.
    Write something.
    Describe {name}.
    List synonyms.
    Define happiness.
    Continue the story.
    Fix this sentence.
""")

FLAW_BLOCKED = _lines("""
    Describe the picture of {topic} shown above in three sentences.
    Plot a graph showing how {topic} changed over the last decade.
    Draw a diagram that explains {topic} to {audience}.
    Watch the video about {topic} and summarise its main argument.
    Listen to the audio clip and list what {name} says about {topic}.
    Open the attached file and count how often {topic} is mentioned.
    Look at the map and describe the quickest route through {place}.
    Create a flowchart of the steps needed to {goal}.
    Compose a piece of music that captures the mood of {place}.
    Go to the website of {business} and copy its opening hours.
    Caption this image of {place} for a travel brochure.
""")

FLAW_PROGRAM = _lines("""
    Write a program that {code_op[0]} {code_item[0]} {code_source}.
    Write a program to {code_op[2]} {code_item[0]} {code_source} {code_cond}.
""")

# Each entry wraps a clean instruction ``{}``: ASCII punctuation or a non-ASCII first character.
FLAW_BAD_START = _lines("""
    "{}"
    ({})
    ...{}
    - {}
    • {}
    “{}”
    — {}
    [Task] {}
    ¿{}
    Élaborate: {}
""")

FLAW_REFUSAL = _lines("""
    As an AI language model, I cannot provide personal opinions on {topic}.
    I'm sorry, but I cannot help with that request.
    As an AI language model, I do not have access to real-time information about {topic}.
    I am unable to access external websites or documents.
    I'm sorry, but as an AI I cannot complete this task.
""")

# Appended or prepended to an earlier instruction of the same reply: ROUGE-L stays > 0.7.
FLAW_NEAR_DUP_SUFFIX = _lines("""
    Keep it brief.
    Be concise.
    Please be specific.
    Use simple words.
""")

# --- phrasing pools: the first words of an instruction vary too --------------------------

EXPLAIN_VERB = _lines("""
    Explain
    Describe
    Outline
    Summarise
    Break down
    Walk me through
    Give an overview of
    Help me understand
    Clarify
    Unpack
    Lay out
    Talk me through
    Shed some light on
    Introduce
    Give a plain account of
    Go over
    Make sense of
    Offer a quick primer on
    Spell out
    Put into everyday words
""")

WRITE_VERB = _lines("""
    Write
    Compose
    Draft
    Create
    Put together
    Come up with
    Produce
    Pen
    Prepare
    Craft
    Dream up
    Whip up
    Invent
    Jot down
""")

SUGGEST_VERB = _lines("""
    Suggest
    Brainstorm
    List
    Propose
    Come up with
    Recommend
    Think of
    Offer
    Pitch
    Gather
    Name
    Put forward
""")

REWRITE_VERB = _lines("""
    Rewrite
    Rephrase
    Edit
    Polish
    Revise
    Tidy up
    Reword
    Improve
    Clean up
    Redraft
    Smooth out
""")

EXTRACT_VERB = _lines("""
    Extract
    Pull out
    Pick out
    Identify
    List
    Find
    Collect
    Note down
    Highlight
""")

PLAN_VERB = _lines("""
    Plan
    Design
    Organise
    Lay out
    Build
    Put together
    Draft
    Work out
    Arrange
    Set up
""")

ADVISE_VERB = _lines("""
    Give advice to
    Offer tips to
    Coach
    Advise
    Guide
    Share practical pointers with
    Suggest next steps for
    Encourage
""")

ANALYSE_VERB = _lines("""
    Analyse
    Assess
    Evaluate
    Examine
    Critique
    Check
    Judge
    Weigh up
    Pick apart
    Test
""")

X_TARGET = _lines("""
    the people, place and time
    every name and meeting time
    all dates, times and locations
    the key logistics
    who is involved and when
    the names, venue and start time
    the scheduling details
    each person and their task
""")

EXTRACT_FORMAT = _lines("""
    as a bulleted list
    in a two-column table
    as a JSON object
    one item per line
    grouped by type
    in the order they appear
    as a calendar entry
    in a single sentence
""")

NOTE_KIND = _lines("""
    note
    message
    email
    memo
    chat message
    text
""")

# --- context before and requirements after an instruction (optional, any template) -----

CONTEXT = _lines("""
    I run {business} in {place}.
    I work as {role} and I am getting ready for {occasion}.
    Our book club has spent a month on {topic}.
    This is for a workshop on {topic} at {venue}.
    We are planning {occasion} in {place}.
    My {relative} is {role} and keeps asking me about {topic}.
    Background: I have been reading about {aspect} {topic}.
    I moved to {place} last {season}.
    Our class is studying {topic} this {season}.
    I volunteer at {venue} every {weekday}.
    I only have {n_small} minutes before {occasion}.
    My manager, {name}, asked me to sort this out.
    A customer at {business} raised this with me.
    For context, the reader is {audience}.
    I am putting together {genre} for {occasion}.
    {Name} from {place} sent me this request.
    We have a budget of {money} and one free {weekday}.
    Quick one, since {occasion} is coming up.
    I am {role} working on a project about {topic}.
    My {relative} {problem}, and it got me thinking.
    This came up while I was {everyday}.
    I am helping {audience} this {season}.
""")

TAIL = _lines("""
    Keep it under {n_words} words.
    Use a {tone} tone throughout.
    Mention {everyday} somewhere.
    Include one example set in {place}.
    End with a question for {audience}.
    Assume the reader knows nothing about {topic2}.
    Make it suitable for {occasion}.
    Use British spelling.
    Use American spelling.
    No more than {n_small} sentences, please.
    Add a short title.
    Include a tip from the point of view of {role}.
    Refer to {name} by first name.
    Avoid jargon and long words.
    Aim for a reading age of about {age}.
    Write it so that {audience} could follow it.
    Give the answer first, then the reasoning.
    Finish with a one-line summary.
    Do not mention {topic2}.
    A light touch of humour is welcome.
    It should take about {n_small} minutes to read aloud.
    It will be printed on {print_medium}.
    Please double-check any numbers.
    Leave out anything that needs special equipment.
    The deadline is {weekday} at {clock}.
    Keep the budget below {money}.
    Write in the {tone} style {name} prefers.
""")

RELATIVE = _lines("""
    sister
    brother
    cousin
    uncle
    aunt
    flatmate
    neighbour
    grandfather
    grandmother
    best friend
    colleague
    partner
    daughter
    son
""")

SEASON = _lines("""
    spring
    summer
    autumn
    winter
    term
    month
""")

ORDINAL = _lines("""
    eighteenth
    twenty-first
    thirtieth
    fortieth
    fiftieth
    sixtieth
    seventieth
    eightieth
    twelfth
    sixteenth
""")

N_WORDS = tuple(str(n) for n in range(30, 301, 10))
N_SMALL = tuple(str(n) for n in range(2, 13))
AGE = tuple(str(n) for n in range(7, 17))

PRINT_MEDIUM = _lines("""
    a poster
    a postcard
    the back of a menu
    a flyer
    a bookmark
    a tote bag
    a noticeboard card
""")

# --- task templates: (instruction, input or None for <noinput>, output) ---------------
# Each keeps its fixed words few and draws most tokens from several independent pools.

_EXPLAIN_OUT = (
    "{Topic} is easier to grasp once you picture it as {analogy}. {insight} The useful takeaway: {takeaway}."
)
_STEPS_OUT = "Here is a realistic approach:\n- {step}\n- {step2}\n- {step3}\n- {step4}"
_IDEAS_OUT = "- {idea}\n- {idea2}\n- {idea3}"
_CODE_OUT = "Here is a compact version:\n\n```{lang[1]}\n{lang[2]}\n```\n\nIt {code_explain}."

TEMPLATES: tuple[tuple[str, str | None, str], ...] = (
    # open questions and explanations
    ("{explain_verb} {aspect} {topic} for {audience}, {constraint}.", None, _EXPLAIN_OUT),
    (
        "As {role}, how would you explain {aspect} {topic} to {audience} {constraint}?",
        None,
        "Speaking as {role}, the practical side comes first. {insight} {insight2} In short, {takeaway}.",
    ),
    (
        "What should {role} know about {aspect} {topic} before {occasion}?",
        None,
        "Before {occasion}, {role} mainly needs the basics. {insight} {insight2}",
    ),
    (
        "Clear up common confusion about {topic} for {audience}, {constraint}.",
        None,
        "{Topic} is often misunderstood because {misconception_reason}. {insight} "
        "A clearer way to put it: {takeaway}.",
    ),
    (
        "Compare {topic} with {topic2} in terms of {compare_focus}, for {audience}.",
        None,
        "Both {topic} and {topic2} {compare_common}. On {compare_focus}, {topic} {compare_diff}, while "
        "{topic2} matters more over {timescale}. The simplest summary is that {takeaway}.",
    ),
    (
        "Share {three} facts about {aspect} {topic} that would surprise {audience}, each {fact_style}.",
        None,
        "- {insight}\n- {insight2}\n- {insight3}",
    ),
    (
        "How has {topic} shaped daily life in {place}? Answer for {audience}, {length_style}.",
        None,
        "In {place}, {topic} shows up in small ways first. {insight} {insight2}",
    ),
    (
        "{explain_verb} {aspect} {topic} as if you were {role} speaking to {audience}.",
        None,
        "As {role}, I would put it like this. {insight} {insight2} If I had to sum it up: {takeaway}.",
    ),
    (
        "Define {topic} for {audience} and relate it to {everyday}, {constraint}.",
        None,
        "{Topic}, put simply, is {simple_def}. {insight} Think about {everyday}: {example_sentence}",
    ),
    (
        "In what ways could {aspect} {topic} affect {role} working in {place}?",
        None,
        "For {role} in {place}, the effects are mostly practical. {insight} {insight2}",
    ),
    (
        "{suggest_verb} questions {audience} might ask about {aspect} {topic} during {occasion}.",
        None,
        "- {question}\n- {question2}\n- {question3}",
    ),
    # rewriting and editing
    (
        "{rewrite_verb} this {text_kind} from {role} so it sounds {tone} to {audience}.",
        "{memo[0]}",
        "{memo[1]}",
    ),
    (
        "{rewrite_verb} the {text_kind} below for {audience}, keeping it {tone} and {constraint}.",
        "{memo[0]}",
        "{memo[1]}",
    ),
    (
        "Turn these rough notes by {name}, {role}, into {genre} for {audience}.",
        "{notes[0]}",
        "{notes[1]}",
    ),
    (
        "{rewrite_verb} this {text_kind} about {occasion} so it reads as {tone}, {constraint}.",
        "{memo[0]}",
        "{memo[1]}",
    ),
    (
        "Summarise this passage on {aspect} {topic} for {audience}, {constraint}.",
        "{insight} {insight2} {insight3}",
        "In short: {takeaway}. The passage stresses that {topic} works gradually and depends on context.",
    ),
    (
        "{write_verb} a headline for this paragraph on {topic} aimed at {audience}.",
        "{insight} {insight2}",
        '"{Topic}: What {shop_adj} Minds Get Wrong"',
    ),
    # information extraction
    (
        "{extract_verb} {x_target} from {name}'s {note_kind} to {role} about {occasion}, {extract_format}.",
        "{schedule[0]}",
        "{schedule[1]}",
    ),
    (
        "What does {name} want from {role} here? Restate it for {audience}, {constraint}.",
        "{memo[0]}",
        "The main request: {memo[1]}",
    ),
    # brainstorming
    (
        "{suggest_verb} {three} ideas for {occasion} that {role} would enjoy, {constraint}.",
        None,
        _IDEAS_OUT,
    ),
    (
        "{suggest_verb} names for {business} run by {role} in {place}, in a {tone} style.",
        None,
        "- The {shop_adj} {shop_noun}\n- {shop_adj2} {shop_noun2} & Co.\n- {Name}'s {shop_noun3}",
    ),
    (
        "{suggest_verb} {three} ways {name} could {goal} {time_budget}.",
        None,
        "- {step}\n- {step2}\n- {step3}",
    ),
    (
        "{suggest_verb} unexpected uses for {product} that {audience} would appreciate during {occasion}.",
        None,
        "- Use it during {occasion} as a conversation starter.\n- Lend it to {role} for a week and ask for "
        "feedback.\n- Turn it into a small teaching prop when explaining {topic}.",
    ),
    (
        "{suggest_verb} {three} activities for {group} spending {occasion} in {place}.",
        None,
        _IDEAS_OUT,
    ),
    # reasoning and classification
    (
        "{Name} argues that {claim}. {analyse_verb} this reasoning {constraint}.",
        None,
        "{flaw_note} A better argument would look at evidence about {topic} from more than one source.",
    ),
    (
        "Suppose {hypothetical}. How would {topic} change for {role} in {place}?",
        None,
        "If {hypothetical}, {topic} would change slowly at first. {insight} {Role} would probably notice "
        "before most people.",
    ),
    (
        "{Name}, {name2} or {name3}: who won the {race}? Show {audience} the logic.",
        "{Name}, {name2} and {name3} took part in a {race}. {Name} finished ahead of {name2} but behind "
        "{name3}. Who came first, and who came last?",
        "{Name3} came first, {name} second and {name2} last. {Name} beat {name2}, and {name3} beat {name}, "
        "so {name3} is ahead of both.",
    ),
    (
        "Is this claim about {aspect} {topic} a fact or an opinion? Tell {audience}, {constraint}.",
        "{statement[0]}",
        "{statement[1]}. {statement[2]}",
    ),
    (
        "Is this review of {product}, posted by {role} after {occasion}, {sentiment_scheme}?",
        "{review[0]}",
        "{review[1]}. {review[2]}",
    ),
    (
        "Classify the tone of {name}'s {text_kind} as {tone}, {tone2} or {tone3}, {constraint}.",
        "{memo[0]}",
        "It is closest to {tone2}: the wording is direct and the writer mainly wants action.",
    ),
    # planning
    (
        "{plan_verb} a {trip_len} trip to {place} for {audience} who {group_pref}, {constraint}.",
        None,
        "Day 1: arrive, settle in and take a slow walk to get your bearings.\nDay 2: spend the morning "
        "at {venue} and keep the afternoon free.\nLast day: a relaxed breakfast and time for one "
        "favourite spot before leaving.",
    ),
    (
        "{plan_verb} a weekly routine that helps {name}, {role}, {goal} {time_budget}.",
        None,
        _STEPS_OUT,
    ),
    (
        "{plan_verb} a schedule for {occasion}, run by {role} for {audience}.",
        None,
        "{clock}: guests arrive and are welcomed.\n{clock2}: the main activity begins.\n{clock3}: food "
        "and a short toast.\nKeep one person free to look after {audience} throughout.",
    ),
    (
        "{write_verb} a checklist {name} can use before {occasion} in {place}.",
        None,
        "- Confirm the booking at {venue}.\n- Send a reminder on {weekday}.\n- Bring {product}.\n"
        "- Arrive thirty minutes early to set up.",
    ),
    # advice
    (
        "{Name} {problem}. What should {name} try first, {constraint}?",
        None,
        _STEPS_OUT,
    ),
    (
        "{advise_verb} {audience} who wants to {goal} {time_budget}.",
        None,
        _STEPS_OUT,
    ),
    (
        "What should {role} weigh up before buying {product} for {occasion}, {constraint}?",
        None,
        "Think about how often it will really be used after {occasion}. Check reviews from people with "
        "similar needs, compare the running costs, and ask whether borrowing {product} would do.",
    ),
    (
        "My {relative} {problem}. How can I help, {constraint}?",
        None,
        "Start by asking what would help rather than offering a plan. {step} {step2}",
    ),
    # creative writing
    (
        "{write_verb} {genre} about {aspect} {topic} in the voice of {role}.",
        None,
        "{poem_line}\n{poem_line2}\n{poem_line3}\n{poem_line4}",
    ),
    (
        "{write_verb} {genre} for {occasion}, addressed to {name}, in a {tone} voice.",
        None,
        "Dear {Name},\n{poem_line}\n{poem_line2}\nWith warm wishes for {occasion}.",
    ),
    (
        "{write_verb} the opening of a story in which {role} finds {discovery} in {place}, {constraint}.",
        None,
        "{story_opening} Inside was {discovery}, and nothing about the day would be ordinary again.",
    ),
    (
        "{write_verb} a short dialogue in which {role} and {role2} disagree about {aspect} {topic}.",
        None,
        "A: I still think {topic} is overrated.\nB: Only because you have never seen it up close.\n"
        "A: Then show me one example.\nB: Gladly. {insight}",
    ),
    (
        "Describe {place} at {time_of_day} through the eyes of {role}, {constraint}.",
        None,
        "At {time_of_day}, {place} feels different. {poem_line}. {poem_line2}.",
    ),
    (
        "{write_verb} an email from {name} to {role} asking {request}, {constraint}.",
        None,
        "Subject: A quick request\n\nDear colleague,\n\nI am writing to ask {request}. I would be grateful "
        "for a reply by {weekday}.\n\nBest regards,\n{Name}",
    ),
    # coding
    (
        "{write_verb} a {lang[0]} function that {code_op[0]} {code_item[0]} {code_source} {code_cond}.",
        None,
        _CODE_OUT,
    ),
    (
        "Show {audience} how to {code_op[2]} {code_item[0]} {code_source} in {lang[0]}.",
        None,
        _CODE_OUT,
    ),
    (
        "{explain_verb} this {lang[0]} snippet for {code_item[0]} to {audience}, {constraint}.",
        "```{lang[1]}\n{lang[2]}\n```",
        "The function takes a collection of {code_item[0]}, {code_explain}, and returns the cleaned values.",
    ),
    (
        "{name} says this {lang[0]} code should {code_op[2]} {code_item[0]} {code_source}. What is wrong?",
        "```{lang[1]}\n{lang[3]}\n```",
        "The bug: {lang[4]}.",
    ),
    (
        "{write_verb} a SQL query over {sql_table[0]} for {role} that returns {sql_target} {sql_cond}.",
        None,
        "```sql\nSELECT *\nFROM {sql_table[1]}\nWHERE created_at >= CURRENT_DATE - INTERVAL '30 days'\n"
        "ORDER BY created_at DESC;\n```\n\nAdjust the filter and grouping to match {sql_target}.",
    ),
    (
        "{suggest_verb} edge cases {role} should test in a {lang[0]} function that {code_op[0]} {code_item[0]} {code_source}.",
        None,
        "- An empty input.\n- A single valid entry.\n- Entries that differ only in case or spacing.\n"
        "- A malformed entry among valid ones.",
    ),
    (
        "Compare {algo[0]} with {algo2[0]} for {audience} who needs to {code_op[2]} {code_item[0]} {code_source}.",
        None,
        "The running time of {algo[0]} is {algo[1]}, against {algo2[1]} for {algo2[0]}. For {code_item[0]}, "
        "the better choice depends on how large the input is and how often it changes.",
    ),
)

# Arithmetic problems (computed in mock.py) are introduced by lead + subject + tail.
MATH_LEAD = _lines("""
    Solve this problem
    Work out this question
    Help {name} with this problem
    Calculate the answer
    Compute the result
    Do the sums
    Check the arithmetic
""")

MATH_TAIL = _lines("""
    and show each step for {audience}
    and explain the method {constraint}
    and then describe how {role} would check the result
    and point out one mistake {audience} might make
    in a way {audience} could follow
    and give the final answer {constraint}
    so that {role} can reuse the method
""")

TIME_OF_DAY = _lines("""
    dawn
    midday
    dusk
    midnight
    the first snowfall
    the height of summer
""")

RACE = _lines("""
    charity fun run
    swimming relay
    cycling sprint
    school sack race
    rowing time trial
    mountain trail race
""")

SENTIMENT_SCHEME = _lines("""
    positive, negative or mixed
    favourable or unfavourable
    enthusiastic, lukewarm or hostile
    a recommendation or a warning
    satisfied, disappointed or undecided
    praise, criticism or a bit of both
    happy, unhappy or on the fence
    worth recommending or not
    a five-star or a one-star kind of review
    glowing, fair or harsh
    likely to bring the customer back or not
    grateful, annoyed or neutral
""")

JUSTIFY_STYLE = _lines("""
    quote the phrase that decided it
    explain your choice in one sentence
    name the feature the reviewer cares about most
    say how confident you are
    suggest a reply from the seller
""")
