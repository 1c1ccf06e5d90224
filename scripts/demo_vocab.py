"""Our own word lists: the tiny models' vocabulary, and the common-English words, characters and affixes that the
trained demo's vocabulary starts from (scripts/train_demo.py adds AFINN's words and its grammar's).

Everything here is written for this project (no third-party word list). Words are lowercase ASCII, as the
BertNormalizer leaves them; contractions appear as BERT splits them ("don't" -> "don", "'", "t").
"""

import string
from typing import List

from wordpiece import CONTINUATION, SPECIAL_TOKENS

# Every printable ASCII character a lowercasing normalizer can emit, so no ASCII word is ever [UNK].
ASCII_CHARS = string.punctuation + string.digits + string.ascii_lowercase
# Common non-ASCII punctuation and symbols (after accent stripping), kept out of [UNK] in the demo model.
EXTRA_CHARS = "’‘“”–—…€£¥°×·«»¡¿§©®™"

SUFFIXES = """
s es ed d ing ly er ers est ness ful fully less able ably ible ibly ment ments tion tions sion sions ation
ations ity ities ies ied y al ally ive ives ous ously ist ists ism ize ized izes ise ish ic ical ically en
ened ance ence ant ent ship hood ward wards like ry ery ling age dom ee or ors ure ures ian ians ee ees ty
th ie lings some an ar ary ory ate ated ates ating ator on one ine ing ings le les led let lets man men
""".split()

PREFIXES = "un re dis over under mis non pre anti inter super out sub semi multi co de en im in ir il".split()

COMMON_WORDS = """
the a an and or but if then else so because as than that this these those there here where when while
what which who whom whose why how all any each every some no none both either neither few many much more
most less least other another such same own only just also too very quite rather really almost enough
even still already yet ever never always often sometimes usually once twice again soon later early now
today tonight tomorrow yesterday ago before after during until since about above across against along
among around at behind below beneath beside between beyond by down for from in inside into near of off
on onto out outside over past per through throughout to toward towards under underneath up upon with
within without via i me my mine myself you your yours yourself yourselves he him his himself she her hers
herself it its itself we us our ours ourselves they them their theirs themselves one ones someone anyone
everyone nobody somebody anybody everybody something anything everything nothing somewhere anywhere
everywhere nowhere be am is are was were been being have has had having do does did done doing will would
shall should can could may might must need ought not isn aren wasn weren don doesn didn hasn haven hadn
won wouldn shouldn couldn mustn needn ain cannot s t d ll m re ve o yes ok okay please thanks thank hello
hi bye oh well like unlike maybe perhaps probably possibly certainly definitely actually basically simply
especially exactly nearly hardly barely merely mostly partly fully completely totally entirely absolutely
extremely incredibly unbelievably remarkably surprisingly truly highly deeply slightly somewhat fairly
pretty kind sort lot lots bit little big small large huge tiny long short tall high low wide narrow deep
thick thin heavy light fast slow quick quickly slowly early late young old new modern ancient recent
first second third last next previous final main whole half full empty open closed free busy easy hard
simple complex clear dark bright hot cold warm cool wet dry clean dirty rich poor cheap expensive strong
weak loud quiet soft sharp smooth rough safe real true false right wrong left same different similar
other certain sure possible impossible likely unlikely important main major minor general special
particular common usual normal strange odd familiar foreign local national international public private
personal social political economic human natural physical mental single double able available ready
alive dead busy careful serious funny red orange yellow green blue purple pink brown black white gray grey
gold silver man men woman women child children boy boys girl girls baby people person family friend
friends father mother dad mom parent parents son daughter brother sister husband wife uncle aunt cousin
grandfather grandmother king queen prince princess doctor teacher student students actor actors actress
director writer writers author audience crowd fan fans critic critics viewer viewers hero heroes villain
character characters cast crew star stars team group member members leader boss worker workers police
officer soldier army company business office job work works worked working money price cost costs paid pay
buy bought sell sold shop store market bank dollar dollars euro euros pound pounds yen cent cents number
numbers time times day days week weeks month months year years hour hours minute minutes second seconds
moment moments morning afternoon evening night nights weekend monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october november december
spring summer autumn fall winter season seasons century decade age life lives world country countries
city cities town village street road house home room rooms door window wall floor roof garden kitchen
bed bedroom bathroom table chair desk car cars bus train plane ship boat bike bicycle school schools
college university class classes lesson lessons book books page pages story stories novel poem letter
word words sentence language english french german spanish italian chinese japanese music song songs
sound sounds voice voices film films movie movies cinema theater theatre show shows series episode
episodes scene scenes plot plots script screenplay ending endings beginning start middle end part parts
chapter title role roles performance performances acting dialogue effects camera picture pictures
image images photo photos art artist artists painting game games sport sports football soccer ball
player players play plays played playing team match win wins won lose loses lost winner water food
drink drinks coffee tea milk wine beer bread cake meal meals dinner lunch breakfast restaurant cafe
menu dish dishes fruit apple apples orange banana rice meat fish chicken egg eggs cheese chocolate sugar
salt soup sandwich pizza pasta salad cream creme service waiter staff hotel room trip travel journey
holiday vacation sea ocean beach river lake mountain mountains hill forest tree trees flower flowers
grass sun moon sky star weather rain snow wind cloud clouds fire air earth land ground stone rock sand
animal animals dog dogs cat cats horse horses bird birds body head face eye eyes ear ears nose mouth
hand hands arm arms leg legs foot feet heart mind brain hair skin blood health illness sick ill tired
sleep rest bath dream dreams idea ideas thought thoughts question questions answer answers problem
problems reason reasons result results fact facts point points way ways thing things place places
side sides line lines level levels kind kinds type types form forms case cases example examples
state system systems program programs computer computers phone phones internet email website software
data information news report reports research science history nature power energy war peace law laws
rule rules government president minister party election vote society culture religion church god
death birth love hate fear hope chance choice change changes future present past memory memories
experience experiences feeling feelings emotion emotions attention effort effect detail details
quality quantity size shape color colour style design model models version product products price
value values rate level area areas space distance speed weight height length piece pieces half
quarter dozen hundred thousand million billion zero one two three four five six seven eight nine ten
eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty
sixty seventy eighty ninety first second third fourth fifth tenth go goes went gone going come comes
came coming get gets got getting make makes made making take takes took taken taking give gives gave
given giving see sees saw seen seeing look looks looked looking watch watches watched watching hear
hears heard listen listened say says said tell tells told speak speaks spoke talk talks talked ask
asks asked answer answered know knows knew known think thinks thought believe believed feel feels felt
seem seems seemed become becomes became put puts keep keeps kept let lets begin begins began begun
start starts started stop stops stopped end ends ended finish finished try tries tried use uses used
find finds found leave leaves left call calls called move moves moved turn turns turned run runs ran
walk walks walked sit sits sat stand stands stood live lives lived die dies died bring brings brought
carry carried hold holds held read reads write writes wrote written learn learns learned teach taught
understand understood remember remembered forget forgot forgotten want wants wanted need needs needed
wish wished expect expected wait waited stay stayed meet met follow followed lead led send sent
show showed shown happen happens happened appear appears appeared include includes included continue
continued set sets create created build built grow grew grown open opened close closed change changed
pass passed spend spent eat eats ate eaten drink drank sing sang dance danced laugh laughed cry cried
smile smiled cook cooked drive drove fly flew swim swam sleep slept wake woke choose chose decide
decided explain explained describe described agree agreed allow allowed offer offered provide provided
produce produced reach reached return returned serve served visit visited wear wore win lose pay paid
cost rest fit fits hit cut cuts shut own owned add added count counted plan planned travel travelled
order ordered happen mean means meant matter matters care cares cared mind seem thank suppose guess
wonder wondered realize realized notice noticed consider considered imagine imagined prefer preferred
recommend recommended deserve deserved manage managed miss missed save saved spend suggest suggested
worth almost again together alone away back forward home instead ahead apart aside otherwise anyway
however therefore although though unless whether whatever whenever wherever whoever nor
ability accident account action actions activity address adult advice affair agency agent air airport
amount analysis animal answer apartment appearance application approach argument arrival article aspect
attack attempt attitude average award balance band base basis battle bill bird birthday bottle bottom
box branch bridge budget building campaign camp capital card career cell center centre chain challenge
champion channel chapter charge check chest circle claim client climate clock club coach coast code
collection comment community competition concept concern condition conference connection contact
content context contract control conversation corner council couple course court cover credit culture
cup customer damage date deal debate degree demand department desire development device difference
difficulty direction discussion disease distance district document drama dress driver economy edge
editor education element employee engine entrance environment equipment error event evening evidence
exam exchange exercise expert eye factor factory failure faith farm fashion feature field figure file
finger fish flight focus force forest fortune frame freedom fuel function fund gap gas gate gift glass
goal grade growth guard guest guide gun habit hall heat hell hole horror hospital host hotel household
husband identity impact income increase industry influence injury instance instrument interest
interview island issue item jacket joke judge key knowledge lady lake lawyer layer lead leader lesson
library limit link list loan location lock machine magazine manager map mark master material meaning
measure media meeting message metal method middle mission mix mood motor mountain mouse movement
museum nation neck network newspaper noise note object occasion offer officer oil operation opinion
option outcome owner package pain pair paper parent park partner path patient pattern peak pen period
permission phase philosophy physics piano pilot pitch plane planet plant plastic plate platform pocket
poet poetry policy pool population position post pot potato pressure principle prison prize process
professor profit progress project property proposal protection purpose race radio range reaction
reader reality record region relation release relief religion reply request resource response
responsibility restaurant review revolution ring risk river role room route routine salary sample
scale schedule screen search secret section sector security selection sense sentence session shape
share shirt shoe shoulder sign signal silence singer sister site situation skill smell society soil
solution source speaker speech spirit spot square stage standard statement station status step stock
stomach strategy strength stress structure studio study stuff subject substance suit supply support
surface surprise survey symbol table talent target task taste tax technique technology teeth
temperature tension term test text theme theory thread ticket tone tool tooth topic total tour
tourist tradition traffic training transport trouble truck truth unit user variety vehicle victim
video view village vision visitor volume wall wave wealth weapon wedding wheel whole wind wing winner
wood worker writing youth zone absent academic active actual additional aggressive alternative amazing
angry anxious apparent appropriate automatic aware basic blind brave brief broad busy calm capable
central cheerful chemical civil classic comfortable commercial competitive complete complicated
concerned confident conscious consistent constant correct crazy creative critical cultural curious
current daily dangerous dear decent delicate dependent desperate digital direct distinct domestic
dramatic eager eastern educational efficient electric electrical electronic emotional empty entire
environmental equal essential eventual evil exact excellent existing expensive extra famous federal
female financial flat flexible formal former fortunate frequent friendly front future gentle global
grand guilty handsome healthy helpful historical holy honest hungry ideal immediate independent
individual industrial initial innocent intelligent internal jealous junior key legal liberal lonely
lucky male massive medical middle military mobile moral narrow nervous nice northern novel numerous
obvious official ordinary original outer overall patient perfect permanent plain plastic pleasant
popular positive powerful practical pregnant present primary prime prior professional proper proud
psychological pure rare raw realistic reasonable regular relevant religious remote responsible
romantic round royal rural scared scientific senior sensitive separate severe sexual shy sick
significant silent silly sleepy soft solid southern specific spiritual standard steady strict
stupid subtle successful sudden sufficient suitable super sweet technical terrible thin tight total
tough traditional typical unable unique upper upset urban useful valuable various vast violent
visible visual vital western wild willing wise wooden worried young accept achieve act admit affect
afford aim announce apply argue arrange arrive attack attend avoid bake beat bend bet bite blow boil
borrow bother break breathe burn catch cause celebrate chase cheat check chew claim climb collect
compare complain complete concentrate connect contain control convince copy correct cover crash cross
damage deliver deny depend design destroy develop dig discover discuss divide doubt draw dress drop
earn educate employ encourage enjoy enter escape establish examine exist expand experience explore
express face fail fear feed fight fill fix fold force forgive form gain gather glance govern greet
guard handle hang hate heal hide hire hurry identify ignore improve increase indicate inform injure
insist install intend introduce invent invest invite involve join judge jump kick kill kiss knock
land last lay lean lie lift limit link listen lock mark marry measure mention mix obtain occur operate
organize owe pack paint perform pick place point pour practice practise pray prepare present press
pretend prevent print produce promise protect prove publish pull punish push raise receive recognize
record reduce refer reflect refuse relate relax release rely remain remove rent repair repeat replace
reply report represent require rescue research respond reveal ride ring rise risk roll rush scream
search seek select separate settle shake share shine shoot shout sign sink skip smell solve sort
spell spread steal stick sting strike study succeed suffer supply support surprise surround survive
swing switch taste tear tend test threaten throw tie touch train treat trust type vary warn wash
waste weigh welcome whisper win wipe worry wrap yell
""".split()

# A few hundred pieces for the random-weight test models: specials, all single characters, short words.
TINY_WORDS = """
the a an and or but not no is are was were be it its this that i you he she we they me my your his her
our their to of in on at for with as by from so if do did does don t s ll re ve have has had will would
can could should what who how why when where very too more most all some any one two three four five
good bad great love hate film movie story plot music song look looked maybe rest day night time year
people man woman make made see saw go went get got like just only also well really much many little big
new old first last long short end way thing things life world home work play played game show think
felt feel best worst boring fun nice terrible wonderful awful cafe creme
""".split()


def _unique(tokens: List[str]) -> List[str]:
    seen = set()
    return [t for t in tokens if not (t in seen or seen.add(t))]


def _char_pieces(chars: str) -> List[str]:
    return list(chars) + [CONTINUATION + c for c in chars]


def tiny_vocab() -> List[str]:
    return _unique(
        SPECIAL_TOKENS + _char_pieces(ASCII_CHARS) + [CONTINUATION + s for s in SUFFIXES[:40]] + TINY_WORDS
    )
