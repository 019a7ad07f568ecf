"""Deterministic catalogue of the demo marketplace.

Every listing is generated from a fixed seed with a private `random.Random`, so two builds with the same seed
are equal field by field, and listing ids are stable. The catalogue mixes four kinds of listing:

- ``ordinary``: everyday second-hand goods (the large majority);
- ``plain``: an offence named plainly in the title (象牙手镯, 穿山甲鳞片, 弹簧刀, 百草枯 ...);
- ``disguised``: an offence hidden by separators, traditional characters, code words, homophones, pinyin,
  or only hinted at in the description (私聊 / 加V / 懂的来 / 包老 ...);
- ``hard_negative``: a legal listing whose title uses a trigger word (象牙白衬衫, 牛角梳, 老虎钳 ...);
- ``photo``: a listing whose telling words are only in its photo (crawler/demo_market/photos.py): an offence,
  or an innocent look-alike (category None).

``plain``, ``disguised`` and offending ``photo`` listings carry the expected category id; the others carry ``None``.
A few hand-written ``disguised`` listings (`UNSEARCHABLE`) are written so that the site's own search returns them
for no watchlist search term: spaced characters (象 牙), traditional forms (鶴頂紅), code words the watchlists
do not search for (白货); only the category pages, the newest listings and the sitemap reach them.
Every listing sits in one market category (`MARKET_CATEGORIES`), as a shop's category pages show them.
All text is GBK-encodable so the GBK variant of the site can serve it unchanged.

Usage::

    from crawler.demo_market.catalogue import build_catalogue

    catalogue = build_catalogue()
    hits = catalogue.search("象牙")
    listing = catalogue.by_id[hits[0].listing_id]
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

from core.categories import CATEGORY_IDS

DEFAULT_SEED = 20240601
"""Seed of the catalogue served by default."""

DEFAULT_SIZE = 2400
"""Number of listings in the default catalogue."""

EPOCH = datetime(2024, 6, 1, 0, 0, tzinfo=UTC)
"""Every listing is posted within `POSTING_WINDOW` before this instant (never relative to now())."""

POSTING_WINDOW = timedelta(days=120)

Kind = Literal["ordinary", "plain", "disguised", "hard_negative", "photo"]
KINDS: tuple[Kind, ...] = ("ordinary", "plain", "disguised", "hard_negative", "photo")


# Share of each kind in a catalogue; "ordinary" takes the rest.
_PLAIN_SHARE = 0.07
# Disguised listings per round of categories: the most traded products get more, so every disguise is used.
_DISGUISE_WEIGHTS = {
    "wildlife.ivory": 3,
    "wildlife.rhino_horn": 2,
    "wildlife.pangolin": 2,
    "wildlife.hornbill": 2,
    "wildlife.tiger_leopard": 2,
}
_DISGUISED_SHARE = 0.055
_HARD_NEGATIVE_SHARE = 0.10

# Market categories of the site's category pages (slug -> name); a listing's category is fixed by its id.
MARKET_CATEGORIES: dict[str, str] = {
    "digital": "数码",
    "home": "家居",
    "fashion": "服饰",
    "collectibles": "文玩收藏",
    "baby": "母婴",
    "books": "图书",
}

# (title, description, category id, price): listings the site's search cannot find for any watchlist term.
UNSEARCHABLE: tuple[tuple[str, str, str, int], ...] = (
    (
        "出 象 牙 手 镯 老料 包浆好",
        "老 象 牙 料子，私聊看实物视频。\n同城可面交，外地走快递。",
        "wildlife.ivory",
        12800,
    ),
    ("白货 手镯 老料 懂的来", "大象的牙齿 料子，纹路清晰，懂的来。\n不懂勿扰，私聊。", "wildlife.ivory", 9600),
    ("鶴頂紅 雕件 老貨 收藏", "盔頭完整，顏色正，懂的來。\n可視頻看貨。", "wildlife.hornbill", 16800),
    ("穿 山 甲 片 野生 干货", "药用，量大从优，私聊。\n默认顺丰发货。", "wildlife.pangolin", 3800),
    ("熊膽粉 正品 老貨", "野生 干品，私聊。\n量大可議價。", "wildlife.bear", 2600),
    ("犀 角 杯 老 件", "犀 角 料，包老，可视频。\n诚心要的私聊。", "wildlife.rhino_horn", 88000),
)

_DESCRIPTION_MIN = 60
_DESCRIPTION_MAX = 300


@dataclass(frozen=True, slots=True)
class DemoSeller:
    """A seller account of the demo marketplace."""

    seller_id: str
    name: str
    location: str


@dataclass(frozen=True, slots=True)
class DemoListing:
    """One listing of the demo marketplace. `category` is the category a correct scorer should find."""

    listing_id: str
    title: str
    description: str
    price: Decimal
    seller: str
    seller_id: str
    location: str
    posted_at: datetime
    image: str
    kind: Kind
    category: str | None
    photos: tuple[str, ...] = ()  # file names under /static/photo/ (crawler/demo_market/photos.py)

    @property
    def price_text(self) -> str:
        """Price as shown on the site, e.g. ``¥1234.00``."""
        return format_price(self.price)


def format_price(price: Decimal) -> str:
    return f"¥{price:.2f}"


class Catalogue:
    """An immutable set of listings with lookups and a cached keyword search.

    ``listings`` is ordered as search results are: newest ``posted_at`` first, then by id.
    """

    __slots__ = ("_by_seller", "_search_cached", "by_id", "listings", "seed", "sellers")

    def __init__(self, seed: int, listings: Sequence[DemoListing], sellers: Sequence[DemoSeller]) -> None:
        self.seed = seed
        self.listings: tuple[DemoListing, ...] = tuple(sorted(listings, key=_result_order))
        self.by_id: Mapping[str, DemoListing] = MappingProxyType({li.listing_id: li for li in self.listings})
        self.sellers: Mapping[str, DemoSeller] = MappingProxyType({s.seller_id: s for s in sellers})
        by_seller: dict[str, list[DemoListing]] = {s.seller_id: [] for s in sellers}
        for listing in self.listings:
            by_seller[listing.seller_id].append(listing)
        self._by_seller = {sid: tuple(items) for sid, items in by_seller.items()}
        haystacks = tuple((f"{li.title}\n{li.description}".casefold(), li) for li in self.listings)

        def search(needle: str) -> tuple[DemoListing, ...]:
            if not needle:
                return self.listings
            return tuple(listing for text, listing in haystacks if needle in text)

        self._search_cached = lru_cache(maxsize=4096)(search)

    def __len__(self) -> int:
        return len(self.listings)

    def search(self, keyword: str) -> tuple[DemoListing, ...]:
        """Listings whose title or description contains `keyword` (case-insensitive), newest first.

        An empty or blank keyword returns every listing.
        """
        return self._search_cached(keyword.strip().casefold())

    def by_seller(self, seller_id: str) -> tuple[DemoListing, ...]:
        """The seller's listings, newest first; empty for an unknown seller."""
        return self._by_seller.get(seller_id, ())

    def of_kind(self, kind: Kind) -> tuple[DemoListing, ...]:
        return tuple(li for li in self.listings if li.kind == kind)

    def in_category(self, slug: str) -> tuple[DemoListing, ...]:
        """The listings of a market category, newest first (empty for an unknown slug)."""
        return tuple(li for li in self.listings if market_category(li) == slug)


def market_category(listing: DemoListing) -> str:
    """The market category (a `MARKET_CATEGORIES` slug) a listing is shown under."""
    slugs = tuple(MARKET_CATEGORIES)
    return slugs[int(listing.listing_id) % len(slugs)]


def _result_order(listing: DemoListing) -> tuple[float, str]:
    return (-listing.posted_at.timestamp(), listing.listing_id)


@lru_cache(maxsize=8)
def build_catalogue(seed: int = DEFAULT_SEED, size: int = DEFAULT_SIZE) -> Catalogue:
    """Build (once per seed and size) the deterministic catalogue."""
    if size < 200:
        raise ValueError(f"a catalogue needs at least 200 listings, got {size}")
    return _Generator(seed, size).build()


# --------------------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------------------

CITIES: tuple[str, ...] = (
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "苏州",
    "成都",
    "重庆",
    "武汉",
    "西安",
    "长沙",
    "郑州",
    "天津",
    "青岛",
    "厦门",
    "福州",
    "莆田",
    "泉州",
    "东莞",
    "佛山",
    "南宁",
    "防城港",
    "东兴",
    "昆明",
    "西双版纳",
    "瑞丽",
    "大理",
    "贵阳",
    "海口",
    "三亚",
    "合肥",
    "南昌",
    "济南",
    "沈阳",
    "哈尔滨",
    "长春",
    "石家庄",
    "太原",
    "兰州",
    "乌鲁木齐",
    "呼和浩特",
    "宁波",
    "温州",
    "义乌",
    "汕头",
)

_NICK_HEADS = (
    "小鱼",
    "阿杰",
    "老张",
    "大王",
    "甜甜",
    "木木",
    "可乐",
    "橙子",
    "奶茶",
    "阿飞",
    "二哥",
    "小七",
    "糖糖",
    "大熊",
    "阿凯",
    "小米粒",
    "芒果",
    "柚子",
    "老陈",
    "晴天",
    "北北",
    "南风",
    "阿亮",
    "静静",
    "豆豆",
    "小白",
    "阿珍",
    "胖虎",
    "小林",
    "一一",
)
_NICK_TAILS = (
    "的闲置",
    "的小铺",
    "二手店",
    "杂货铺",
    "优选",
    "爱生活",
    "数码",
    "清仓",
    "收藏馆",
    "好物",
    "的衣橱",
    "母婴闲置",
    "书房",
    "工作室",
    "精品",
    "_2018",
    "_88",
    "同学",
    "妈妈",
    "家居",
)

_TITLE_LEADS = ("", "", "自用 ", "个人闲置 ", "搬家清仓 ", "低价转 ", "急出 ", "闲置 ", "出 ", "转让 ")
_TITLE_CONDITIONS = ("", " 九成新", " 95新", " 全新未拆", " 八成新", " 几乎全新", " 99新", " 正常使用痕迹")
_TITLE_TAILS = ("", "", " 可小刀", " 同城自提", " 包邮", " 不议价", " 可面交", " 急售")
_OFFENCE_LEADS = ("", "", "出 ", "转让 ", "收藏 ", "低价 ", "现货 ")
_OFFENCE_TAILS = ("", "", " 老货", " 包老", " 保真", " 包邮", " 可验货", " 量大从优", " 可视频")

_GENERIC_SENTENCES = (
    "东西都是自己用的，爱惜着用，成色看图。",
    "搬家了带不走，便宜出给有需要的朋友。",
    "同城可以面交，外地走快递，运费自理。",
    "诚心要的可以小刀，不要问最低价，砍价勿扰。",
    "拍前请看清楚图片和描述，二手物品售出不退不换。",
    "支持验货，有问题可以随时留言，看到就回。",
    "下班时间回复消息，白天可能回复慢，见谅。",
    "家里没有宠物，无烟环境，保存得很好。",
    "默认发中通或者圆通，偏远地区不包邮。",
    "买来没用几次，一直放在柜子里，可以放心入。",
    "闲置太久了，想腾地方，价格已经很低了。",
    "可以走平台担保交易，拍下后两天内发货。",
)

# (title core, price low, price high, sentences about the item)
_ORDINARY: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    (
        "iPhone 13 128G 午夜色",
        1800,
        3200,
        ("国行正品，电池健康百分之八十七，面容正常。", "无拆无修，屏幕有细微划痕，贴膜就看不见。"),
    ),
    ("华为 Mate40 Pro 8+256", 1500, 2600, ("鸿蒙系统，拍照很好用，换新机了所以出。", "配原装充电器，边框有轻微磕碰。")),
    ("小米12S Ultra 12+256", 2000, 3100, ("徕卡影像，拍照一流，机身无磕碰。", "送两个手机壳，原盒在。")),
    ("OPPO Reno9 手机", 900, 1500, ("家里老人用过半年，功能全部正常。", "屏幕完美，电池耐用。")),
    ("iPad Air 5 64G WiFi版", 2300, 3300, ("买来上网课用，现在用不上了。", "带原装充电头，送一支电容笔。")),
    ("联想小新 Pro14 笔记本电脑", 2600, 4200, ("i5 16G 512G，办公学习都够用。", "键盘无油光，电池循环次数少。")),
    ("索尼 A6400 微单 带16-50镜头", 3800, 5200, ("快门数八千左右，传感器干净。", "送64G存储卡和相机包。")),
    ("佳能 EOS 200D 二代 套机", 2500, 3600, ("入门单反，适合新手，说明书都在。", "镜头无霉无雾，成色很新。")),
    ("大疆 Mini 3 无人机", 2200, 3000, ("飞行次数不到二十次，无炸机。", "带三块电池和充电管家。")),
    ("任天堂 Switch OLED 白色", 1500, 2100, ("港版，带塞尔达和马里奥卡带。", "手柄无漂移，屏幕无划痕。")),
    ("索尼 PS5 光驱版", 2600, 3300, ("国行，带两个手柄，送战神。", "家里孩子要高考了所以出。")),
    ("AirPods Pro 二代", 800, 1300, ("降噪正常，左右耳电量一致。", "只用了三个月，耳塞套是新的。")),
    ("小米电动滑板车 Pro2", 1100, 1700, ("续航三十公里左右，通勤代步很方便。", "轮胎换过新的。")),
    ("捷安特 ATX 山地自行车 27.5寸", 900, 1600, ("骑过一年，变速顺畅，刹车灵敏。", "车架无划痕，送车锁和车灯。")),
    ("迪卡侬 公路车 RC100", 900, 1400, ("周末骑骑，保养很好。", "适合身高一米七到一米八。")),
    ("宜家 毕利书柜 白色", 150, 400, ("自提，需要自己拆装，配件齐全。", "搬家不要了，结实耐用。")),
    ("北欧风 布艺沙发 三人位", 600, 1500, ("坐垫可拆洗，颜色是浅灰色。", "需要自提，楼下有电梯。")),
    ("实木餐桌 一桌四椅", 500, 1300, ("橡木材质，桌面有轻微使用痕迹。", "同城可以帮忙送，外地不发。")),
    ("乳胶床垫 1.8米", 400, 1100, ("泰国进口乳胶，睡了一年，无污渍。", "带原装外套，可以拆洗。")),
    ("美的 变频空调挂机 1.5匹", 900, 1600, ("能效一级，制冷制热都很快。", "需要自己找师傅拆装。")),
    ("戴森 V10 吸尘器", 1000, 1700, ("吸力正常，电池续航二十分钟左右。", "配件齐全，有几个吸头没拆封。")),
    ("九阳 破壁料理机", 150, 400, ("做豆浆米糊都可以，清洗方便。", "用了几次，基本全新。")),
    ("好孩子 婴儿推车 可坐可躺", 300, 800, ("宝宝长大了用不上，轮子顺滑。", "可以一键收车，上飞机没问题。")),
    ("babycare 婴儿床 实木", 300, 700, ("带床围和床垫，可以拼接大床。", "宝宝只睡了半年。")),
    ("儿童安全座椅 isofix接口", 400, 900, ("适合九个月到十二岁，通过国标认证。", "没有出过事故，放心。")),
    ("乐高 城市系列 警察局", 300, 700, ("拼过一次，零件齐全，说明书在。", "孩子不玩了，原盒保存。")),
    ("优衣库 羽绒服 男款 L码", 150, 350, ("穿过一个冬天，保暖很好，已干洗。", "藏青色，百搭。")),
    ("ZARA 羊毛大衣 女款 M码", 200, 500, ("驼色经典款，只穿过几次。", "买大了，没有起球。")),
    ("耐克 Air Force 1 白色 42码", 300, 600, ("正品，有鞋盒和小票。", "穿过两次，鞋底很干净。")),
    ("阿迪达斯 运动套装", 150, 380, ("健身穿的，速干面料。", "尺码偏大一码。")),
    ("蔻驰 托特包 黑色", 600, 1400, ("专柜购买，配件齐全。", "内里干净，边角无磨损。")),
    ("卡西欧 G-SHOCK 手表", 400, 900, ("防水防震，电子表，功能正常。", "表带有使用痕迹。")),
    ("《三体》全集 三册", 40, 90, ("正版图书，看过一遍，无笔记。", "书角有一点点折痕。")),
    ("考研英语 真题 一套", 30, 80, ("上岸了出资料，笔记很详细。", "适合明年考研的同学。")),
    ("《红楼梦》人民文学出版社 四册", 60, 150, ("经典版本，收藏用的，品相好。", "一直放在书架上。")),
    ("雅马哈 电钢琴 P-125", 2200, 3300, ("八十八键重锤，手感很好。", "带琴架和踏板。")),
    ("吉他 单板民谣 41寸", 500, 1200, ("音色通透，换过新琴弦。", "送琴包和变调夹。")),
    ("瑜伽垫 加厚 防滑", 30, 90, ("只用过几次，没有异味。", "附带收纳绑带。")),
    ("哑铃 可调节 20公斤一对", 200, 450, ("家里健身用，没有生锈。", "同城自提优先。")),
    ("露营帐篷 3-4人 自动速开", 200, 500, ("去过两次露营，没有破损。", "带地垫和收纳袋。")),
    ("鱼缸 60厘米 带过滤", 150, 400, ("玻璃无划痕，过滤器很安静。", "不养鱼了便宜出。")),
    ("猫爬架 大型 实木", 150, 380, ("猫咪不爱玩，九成新。", "需要自提，可以拆开。")),
    ("汉服 明制 马面裙", 150, 450, ("织金面料，只拍照穿过一次。", "腰围可以调节。")),
    ("茶具套装 汝窑 开片", 100, 350, ("送朋友的礼品，一直没用。", "包装盒完整。")),
    ("电饭煲 苏泊尔 4L", 100, 250, ("内胆无划痕，煮饭很香。", "搬家出。")),
    ("投影仪 极米 H3S", 1800, 2800, ("亮度很高，白天也能看。", "灯泡时长很短。")),
    ("显示器 戴尔 27寸 4K", 1200, 2000, ("无坏点无漏光，带原装线。", "工作室撤了出。")),
    ("机械键盘 樱桃轴", 200, 500, ("红轴，手感轻，键帽没有打油。", "送键盘托。")),
    ("电动牙刷 飞利浦", 100, 300, ("送两个新刷头，已消毒。", "电池续航一个月。")),
    ("奶粉 飞鹤 三段 未开封", 150, 300, ("宝宝转奶了多出来的，保质期到明年。", "只出同城。")),
)


@dataclass(frozen=True)
class _OffenceSpec:
    """Templates of one category: plain titles, disguised titles and what sellers write about it."""

    category: str
    plain: tuple[tuple[str, int, int], ...]
    disguised: tuple[str, ...]
    hidden: tuple[tuple[str, str], ...]
    sentences: tuple[str, ...]
    price: tuple[int, int]


# Sentences sellers use when they know the trade is illegal.
_WINK_SENTENCES = (
    "懂的来，不懂勿扰。",
    "有意私聊，平台不方便多说。",
    "加V详聊，V信见主页。",
    "老货包老，假一赔十。",
    "渠道货，量大从优，可长期合作。",
    "图片仅供参考，实物私聊看视频。",
    "不走平台，私下交易更方便。",
    "发货包装严实，保证安全到手。",
    "同城可以上门看货，外地视频验货。",
)

_OFFENCES: tuple[_OffenceSpec, ...] = (
    _OffenceSpec(
        "wildlife.ivory",
        plain=(
            ("象牙手镯", 3000, 28000),
            ("象牙雕件 山水摆件", 8000, 60000),
            ("老象牙佛珠 108颗", 5000, 30000),
            ("猛犸象牙吊坠", 800, 6000),
            ("象牙筷子 一双", 1500, 6000),
            ("象牙印章 老料", 2000, 9000),
            ("猛犸象牙 原料 雕刻料", 2000, 20000),
            ("象牙烟嘴", 600, 3000),
        ),
        disguised=(
            "象 牙手镯 老料",
            "象*牙 雕件",
            "象.牙 佛珠",
            "象牙製品 手鐲",
            "象芽手串 老货",
            "xiangya 手镯",
            "白料手镯 包老",
            "白色塑料 雕件 懂的来",
            "XY 白料 吊坠",
            "象·牙 印章",
        ),
        hidden=(
            ("老物件 手镯 包老", "白料，油性很好，有血丝纹，懂的来"),
            ("收藏级 雕件 实物更美", "材质是象牙，证件没有，私聊"),
        ),
        sentences=(
            "料子白润，纹理清晰，可以看到旋转纹。",
            "家里老人留下来的，放了三十多年。",
            "可以用火烧测试，不是树脂。",
        ),
        price=(1000, 60000),
    ),
    _OffenceSpec(
        "wildlife.rhino_horn",
        plain=(
            ("犀牛角杯 老货", 20000, 180000),
            ("犀牛角粉 药用", 3000, 20000),
            ("犀牛角手串", 5000, 40000),
            ("犀牛角雕件 老料", 30000, 200000),
            ("犀牛角片 一两", 8000, 50000),
        ),
        disguised=("犀.角杯 老货", "犀 角 手串", "黑料 杯子 包老", "犀角製品 老杯", "xiniujiao 手串", "犀*牛*角 片"),
        hidden=(("老杯子 一只 包老", "黑料，亚洲的，懂的来"), ("中药材 退烧 珍品", "犀角粉，量少，私聊")),
        sentences=("退烧效果好，老一辈都知道。", "底部有天然竹丝纹，一看就是老料。", "重量三百多克，附视频。"),
        price=(3000, 200000),
    ),
    _OffenceSpec(
        "wildlife.pangolin",
        plain=(
            ("穿山甲鳞片 正品", 300, 3000),
            ("穿山甲片 药材 一斤", 1500, 8000),
            ("穿山甲 整只 标本", 3000, 15000),
            ("炮制穿山甲鳞片 下奶", 400, 2500),
        ),
        disguised=(
            "穿 山 甲 鳞片",
            "穿山甲鱗片 正品",
            "甲片 通乳 正品",
            "山甲 片 一斤",
            "炮山甲 药材 渠道货",
            "穿*山*甲 片",
            "chuanshanjia 甲片",
        ),
        hidden=(("下奶 中药材 效果好", "炮山甲，产后通乳，懂的来"), ("老中医推荐 药材", "甲片，正宗的，私聊")),
        sentences=("产后下奶效果明显，很多宝妈回购。", "炮制过的，颜色金黄，可以打粉。", "按克卖，一斤起发。"),
        price=(300, 15000),
    ),
    _OffenceSpec(
        "wildlife.tiger_leopard",
        plain=(
            ("虎骨酒 老酒 一坛", 2000, 20000),
            ("豹皮 整张", 8000, 60000),
            ("虎牙吊坠 真品", 1500, 9000),
            ("虎骨 泡酒料", 5000, 40000),
            ("老虎皮 地毯", 20000, 120000),
            ("虎鞭 干货", 3000, 20000),
        ),
        disguised=("虎 骨酒 老酒", "虎.骨 泡酒", "大猫骨 泡酒料 懂的来", "虎骨製品 老酒", "hugu 酒", "豹 皮 整张"),
        hidden=(("老酒 一坛 珍藏", "泡的是虎骨，老辈传下来的方子"), ("民族风 皮毛地毯", "真豹皮，花纹完整，私聊")),
        sentences=("祛风湿，老人喝了腿脚好。", "泡了二十年的老酒，一坛五斤。", "皮板柔软，毛色鲜亮。"),
        price=(1500, 120000),
    ),
    _OffenceSpec(
        "wildlife.bear",
        plain=(
            ("熊胆粉 野生", 800, 8000),
            ("熊掌 干货 一对", 3000, 20000),
            ("熊胆 整个 晒干", 5000, 30000),
            ("熊胆汁 原液", 1000, 6000),
        ),
        disguised=("熊 胆粉 野生", "熊*胆 整个", "黑熊 胆 干货", "熊膽粉 正品", "xiongdan 粉"),
        hidden=(("山货 野生 补品", "熊胆，山里收的，懂的来"), ("滋补佳品 送长辈", "熊掌干货，渠道货")),
        sentences=("野生的，不是养殖场的引流胆。", "清肝明目，泡酒也可以。", "东北山里收的，数量不多。"),
        price=(800, 30000),
    ),
    _OffenceSpec(
        "wildlife.hawksbill",
        plain=(
            ("玳瑁手镯 老料", 2000, 15000),
            ("玳瑁梳子", 800, 5000),
            ("玳瑁标本 整只", 3000, 20000),
            ("玳瑁眼镜框 真玳瑁", 2000, 12000),
            ("玳瑁发簪", 800, 4000),
        ),
        disguised=("玳 瑁手镯", "瑇瑁 手镯 老料", "玳*瑁 梳子", "daimao 手镯", "海龟壳 手镯 懂的来"),
        hidden=(("老物件 手镯 花纹漂亮", "真玳瑁，光照透明，包老"),),
        sentences=("花纹漂亮，光照通透。", "老料，戴了很多年，有包浆。", "真品，不是树脂仿品。"),
        price=(800, 20000),
    ),
    _OffenceSpec(
        "wildlife.hornbill",
        plain=(
            ("盔犀鸟头骨 标本", 8000, 40000),
            ("鹤顶红雕件 老料", 5000, 50000),
            ("鹤顶红吊坠", 2000, 12000),
            ("盔犀鸟 头胄 原料", 10000, 60000),
        ),
        disguised=(
            "鹤 顶 红 吊坠",
            "鶴頂紅 雕件",
            "红料 吊坠 懂的来",
            "鹤顶 雕件 包老",
            "盔.犀.鸟 原料",
            "hedinghong 吊坠",
        ),
        hidden=(("雕件 老料 收藏", "红料，鸟类的，懂的来"),),
        sentences=("顶部红色过渡自然，雕工精细。", "料子温润，比象牙还少见。", "南洋回流的老件。"),
        price=(2000, 60000),
    ),
    _OffenceSpec(
        "wildlife.saiga",
        plain=(
            ("赛加羚羊角 整支", 2000, 12000),
            ("羚羊角片 药用", 600, 4000),
            ("羚羊角丝 一两", 500, 3000),
            ("赛加羚羊角 粉", 800, 5000),
        ),
        disguised=("羚 羊 角 整支", "羚羊角片 渠道货", "賽加羚羊角 整支", "lingyangjiao 片", "赛*加 角"),
        hidden=(("退烧 中药材 珍品", "羚羊角，俄罗斯过来的，私聊"),),
        sentences=("清热解毒，小孩发烧磨一点水喝。", "角体透亮，有血丝。", "按克卖，量少。"),
        price=(500, 12000),
    ),
    _OffenceSpec(
        "wildlife.musk",
        plain=(
            ("麝香 天然 一克", 500, 3000),
            ("天然麝香仁 当门子", 800, 5000),
            ("麝香囊 整个", 3000, 15000),
            ("野生麝香", 1000, 6000),
        ),
        disguised=("麝 香 天然", "麝*香 仁", "当门子 懂的来", "天然 香囊 整个 渠道货", "shexiang 一克"),
        hidden=(("名贵药材 香味浓", "真麝香，野生的，懂的来"),),
        sentences=("香味浓郁，放在抽屉里满屋都香。", "林麝的，不是人工麝香。", "可以做香囊。"),
        price=(500, 15000),
    ),
    _OffenceSpec(
        "wildlife.coral",
        plain=(
            ("红珊瑚原枝 阿卡", 5000, 80000),
            ("红珊瑚手串 阿卡红", 3000, 30000),
            ("红珊瑚 原枝摆件", 10000, 90000),
            ("阿卡红珊瑚 吊坠", 2000, 15000),
        ),
        disguised=("红 珊 瑚 原枝", "紅珊瑚 原枝", "阿卡 原枝 私聊", "红*珊瑚 手串", "shanhu 原枝 红色"),
        hidden=(("海洋宝石 原枝 收藏", "天然红珊瑚，台湾海域，私聊"),),
        sentences=("颜色正红，牛血红，无填充。", "原枝完整，没有断枝。", "附带国检证书（旧的）。"),
        price=(2000, 90000),
    ),
    _OffenceSpec(
        "wildlife.live_bird",
        plain=(
            ("活体金刚鹦鹉 宝宝", 15000, 60000),
            ("非洲灰鹦鹉 活体 会说话", 8000, 30000),
            ("葵花凤头鹦鹉 活体", 10000, 40000),
            ("活体 犀鸟 幼鸟", 20000, 80000),
            ("鹩哥 活体 会说话", 1500, 5000),
        ),
        disguised=("金刚 宝宝 加V", "灰 鹦 活体 包活", "大型鹦鹉 活体 私聊", "葵 花 凤头 宝宝", "huiying 活体"),
        hidden=(("宠物鸟 转让 包活", "非洲灰，会说几句话，没有证，私聊"),),
        sentences=("已经断奶，可以自己吃饭。", "包活到家，专车或者航空托运。", "性格亲人，可以上手。"),
        price=(1500, 80000),
    ),
    _OffenceSpec(
        "wildlife.live_reptile",
        plain=(
            ("辐射陆龟 活体 苗子", 5000, 30000),
            ("缅甸陆龟 活体", 1500, 8000),
            ("印度星龟 活体", 2000, 10000),
            ("鳄鱼 活体 小苗", 3000, 15000),
            ("蜥蜴 活体 鳄蜥", 2000, 10000),
        ),
        disguised=("辐射 宝宝 包活", "星龟苗 渠道货", "缅 陆 活体", "辐*射*陆龟", "fushe 苗子"),
        hidden=(("爬宠 转让 包活", "辐射陆龟，没有证件，懂的来"),),
        sentences=("吃东西积极，背甲无伤。", "包活到家，保温箱发货。", "一对出，可以繁殖。"),
        price=(1500, 30000),
    ),
    _OffenceSpec(
        "wildlife.primate",
        plain=(
            ("懒猴 活体 宠物", 3000, 15000),
            ("猕猴幼崽 活体", 3000, 12000),
            ("狨猴 活体 宝宝", 5000, 20000),
            ("金丝猴 标本", 20000, 80000),
        ),
        disguised=("小猴子 宠物 包活", "懒 猴 宝宝", "猕*猴 幼崽", "小型猴 宠物 私聊", "lanhou 宝宝"),
        hidden=(("萌宠 转让 亲人", "猕猴宝宝，三个月大，私聊"),),
        sentences=("很亲人，可以抱着玩。", "已经会自己吃水果。", "包活到家，专车送。"),
        price=(3000, 80000),
    ),
    _OffenceSpec(
        "wildlife.other",
        plain=(
            ("抹香鲸牙 雕件", 3000, 30000),
            ("藏羚羊绒 披肩 沙图什", 8000, 50000),
            ("猫头鹰标本", 1500, 8000),
            ("天鹅 标本 整只", 3000, 12000),
            ("雪豹 头骨 标本", 8000, 40000),
        ),
        disguised=("鲸 牙 雕件", "沙 图 什 披肩", "藏羚 绒 披肩 私聊", "猫*头*鹰 标本"),
        hidden=(("稀有 披肩 戒指绒", "沙图什，能穿过戒指，懂的来"),),
        sentences=("稀有品种，很难找到第二件。", "标本制作精细，眼睛是玻璃的。", "老货，海边收的。"),
        price=(1500, 50000),
    ),
    _OffenceSpec(
        "prohibited.weapons",
        plain=(
            ("弹簧刀 折叠刀 户外", 150, 600),
            ("三棱刺 军刺", 300, 1200),
            ("甩棍 防身 三节", 100, 400),
            ("仿真枪 金属 可发射", 800, 4000),
            ("气枪铅弹 5.5 一盒", 50, 200),
            ("蝴蝶刀 开刃", 150, 600),
        ),
        disguised=(
            "弹 簧 刀 户外",
            "三 棱 刺",
            "甩*棍 防身",
            "户外 直刀 开刃 懂的来",
            "彈簧刀 折疊",
            "信号枪 配件 私聊",
            "shuaigun 防身",
        ),
        hidden=(("户外用品 防身 好用", "甩棍，一甩就开，懂的来"), ("模型 金属 收藏", "仿真枪，能打铅弹，私聊")),
        sentences=("一键弹出，锁定牢固。", "开过刃，非常锋利。", "发货拆开寄，到手自己组装。"),
        price=(50, 4000),
    ),
    _OffenceSpec(
        "prohibited.drugs",
        plain=(
            ("曲马多 片剂 一盒", 100, 600),
            ("可待因止咳水", 80, 400),
            ("笑气 大瓶 奶油气弹", 100, 500),
            ("依托咪酯 烟油", 300, 1500),
        ),
        disguised=("曲 马 多", "止咳水 懂的来", "奶油气弹 快乐气", "上头 烟油 私聊", "QMD 一盒"),
        hidden=(("提神 放松 好货", "曲马多，无处方，懂的来"),),
        sentences=("效果好，回头客多。", "无需处方，隐私发货。", "量大优惠，长期供应。"),
        price=(80, 1500),
    ),
    _OffenceSpec(
        "prohibited.tobacco",
        plain=(
            ("电子烟 一次性 网购", 30, 120),
            ("悦刻电子烟 烟弹 一盒", 60, 200),
            ("电子烟 主机 套装", 80, 300),
            ("电子烟烟油 大容量", 40, 150),
        ),
        disguised=("电 子 烟 一次性", "雾化器 烟弹 懂的来", "小烟 烟弹 私聊", "電子煙 套装", "dianziyan 烟弹"),
        hidden=(("雾化 套装 多口味", "电子烟，口感好，私聊发"),),
        sentences=("多种口味，薄荷西瓜都有。", "一个烟弹能抽三四天。", "隐私包装发货。"),
        price=(30, 300),
    ),
    _OffenceSpec(
        "prohibited.fireworks",
        plain=(
            ("烟花爆竹 整箱", 200, 1500),
            ("礼花弹 专业 大号", 300, 2000),
            ("加特林烟花 36发", 100, 500),
            ("二踢脚 鞭炮 一箱", 100, 600),
            ("烟花 组合 婚庆", 300, 1800),
        ),
        disguised=("礼 花 弹", "烟 花 整箱 私聊", "鞭*炮 一箱", "煙花 組合", "yanhua 整箱"),
        hidden=(("过年 助兴 大礼包", "烟花爆竹，物流能走，私聊"),),
        sentences=("响声大，效果好，过年必备。", "走专线物流，快递不收。", "量大可以送货上门。"),
        price=(100, 2000),
    ),
    _OffenceSpec(
        "prohibited.documents",
        plain=(
            ("办证 毕业证 学历证", 300, 2000),
            ("代办证件 驾驶证", 500, 3000),
            ("假证 身份证 可刷", 300, 1500),
            ("代办 健康证 不用体检", 100, 500),
        ),
        disguised=("办 证 学历", "各类证件 加V", "证*件 代办 私聊", "辦證 學歷", "banzheng 加V"),
        hidden=(("学历提升 快速拿证", "不用考试，证件可查，私聊"),),
        sentences=("可以上网查询，不满意不收费。", "三天出证，顺丰发货。", "各类证件都能做，私聊。"),
        price=(100, 3000),
    ),
    _OffenceSpec(
        "prohibited.surveillance",
        plain=(
            ("针孔摄像头 无线 隐藏", 150, 800),
            ("窃听器 远程 录音", 200, 1200),
            ("针孔摄像机 插座款", 200, 900),
            ("微型摄像头 隐形 免布线", 150, 700),
        ),
        disguised=("针 孔 摄像头", "窃*听*器 远程", "隐藏式 记录仪 私聊", "針孔攝像頭", "zhenkong 摄像头"),
        hidden=(("小巧 记录仪 家用", "隐藏式的，针孔拍摄，懂的来"),),
        sentences=("体积很小，放在哪里都看不出来。", "手机远程看，可以录音。", "隐私发货，不写品名。"),
        price=(150, 1200),
    ),
    _OffenceSpec(
        "prohibited.pesticides",
        plain=(
            ("百草枯 原液 一桶", 80, 400),
            ("甲胺磷 杀虫剂", 60, 300),
            ("克百威 颗粒 呋喃丹", 50, 250),
            ("百草枯 除草剂 老配方", 100, 500),
        ),
        disguised=("百 草 枯 原液", "草*枯 原液 老配方", "呋喃丹 颗粒 私聊", "甲*胺*磷", "baicaoku 原液"),
        hidden=(("除草 效果好 老配方", "就是以前的百草枯，懂的来"),),
        sentences=("除草干净，连根烂。", "老配方，现在买不到了。", "农村自用，量大从优。"),
        price=(50, 500),
    ),
)

# (title core, price low, price high, sentence) of legal listings using a trigger word.
_HARD_NEGATIVES: tuple[tuple[str, int, int, str], ...] = (
    ("象牙白衬衫 男款 纯棉", 60, 200, "颜色是象牙白，不是纯白，很高级。"),
    ("《象牙塔》小说 正版", 15, 50, "讲大学生活的小说，看过一遍。"),
    ("象牙白 瓷砖 800x800", 20, 60, "装修剩下的十几块，象牙白哑光。"),
    ("象牙果 手串 塔格棕", 30, 120, "象牙果是植物果实，可以合法买卖。"),
    ("树脂仿象牙摆件 观音", 80, 300, "树脂材质，仿象牙效果，不是真的。"),
    ("牛角梳 天然水牛角", 20, 80, "水牛角做的梳子，不静电。"),
    ("牦牛角 号角 装饰", 80, 300, "牦牛角做的装饰品，有检疫证明。"),
    ("犀牛角造型手机支架", 15, 40, "卡通犀牛造型，桌面摆件。"),
    ("乐高 犀牛 动物积木", 50, 150, "儿童积木，全套完整。"),
    ("虎皮鹦鹉鸟粮 5斤装", 20, 60, "虎皮鹦鹉专用粮，营养均衡。"),
    ("虎皮鹦鹉 鸟笼 带用品", 40, 150, "不养鸟了，鸟笼和食盒一起出。"),
    ("老虎钳 德国进口", 30, 120, "五金工具，钳口锋利。"),
    ("虎头鞋 手工 宝宝", 40, 120, "传统手工虎头鞋，送礼很好看。"),
    ("虎年 纪念币 一套", 30, 100, "银行换的纪念币，品相好。"),
    ("豹纹连衣裙 M码", 50, 150, "豹纹印花，雪纺面料。"),
    ("珊瑚绒毯 加厚 双人", 40, 120, "珊瑚绒毯子，冬天很暖和。"),
    ("珊瑚绒睡衣 女款", 40, 100, "珊瑚绒面料，柔软亲肤。"),
    ("珊瑚色口红 全新", 50, 150, "珊瑚色很显白，试了一次。"),
    ("穿山甲毛绒玩具 公仔", 30, 90, "毛绒玩具，可爱的穿山甲造型。"),
    ("穿山甲 科普绘本", 20, 50, "儿童科普读物，讲穿山甲保护的。"),
    ("玳瑁色眼镜框 板材", 60, 200, "玳瑁色板材镜框，不是真玳瑁。"),
    ("仿玳瑁 发夹 一套", 15, 40, "醋酸纤维材质，仿玳瑁花纹。"),
    ("熊猫玩偶 大号", 40, 150, "熊猫基地买的玩偶，很可爱。"),
    ("泰迪熊 毛绒玩具", 40, 120, "送女朋友的，全新带吊牌。"),
    ("小熊 电饭煲 1.2L", 60, 150, "小熊牌电器，一人食刚好。"),
    ("麝香味 香水 白麝香", 100, 400, "人工合成白麝香调香水，专柜正品。"),
    ("猴头菇 干货 一斤", 40, 100, "东北猴头菇，煲汤很好。"),
    ("陆龟 饲料 龟粮", 20, 60, "陆龟专用粮，草食性龟可以吃。"),
    ("鹦鹉 站架 实木", 30, 100, "鹦鹉用的站架，实木打磨。"),
    ("张小泉 菜刀 套装", 60, 200, "厨房刀具，全新未用。"),
    ("瑞士军刀 多功能 小刀", 80, 300, "正品维氏，带开瓶器和剪刀。"),
    ("家用监控摄像头 小米", 100, 250, "家里装过，可以看老人小孩。"),
    ("行车记录仪 70迈", 150, 350, "正常使用，带存储卡。"),
    ("烟花图案 T恤", 30, 80, "烟花印花，夏天穿很好看。"),
    ("电子烟盒 收纳 皮质", 20, 60, "只是收纳盒，不含电子烟。"),
    ("证件夹 护照包", 20, 60, "出国旅行用，放证件很方便。"),
    ("证件照 拍摄 修图", 20, 50, "专业证件照拍摄，当天出片。"),
    ("农药喷雾器 电动 16升", 150, 350, "打药用的喷雾器，电池续航好。"),
    ("红珊瑚色 连衣裙", 60, 180, "颜色是珊瑚红，拍照好看。"),
    ("羚羊 图案 挂画", 50, 150, "装饰画，草原羚羊图案。"),
    ("鹤顶红 游戏道具 账号", 30, 100, "游戏里的道具名字，不是实物。"),
)

HARD_NEGATIVE_TRIGGERS: tuple[str, ...] = (
    "象牙",
    "牛角",
    "犀牛",
    "虎",
    "豹",
    "珊瑚",
    "穿山甲",
    "玳瑁",
    "熊",
    "麝香",
    "猴",
    "陆龟",
    "鹦鹉",
    "刀",
    "摄像头",
    "记录仪",
    "烟花",
    "电子烟",
    "证件",
    "农药",
    "羚羊",
    "鹤顶红",
)
"""Every hard-negative title contains at least one of these trigger words."""


# --------------------------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------------------------


class _Generator:
    def __init__(self, seed: int, size: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.size = size
        # Each category cycles through its disguises in a seeded order, so all of them appear.
        self.disguises: dict[str, list[tuple[str, str | None]]] = {}
        for spec in _OFFENCES:
            options: list[tuple[str, str | None]] = [(title, None) for title in spec.disguised]
            options += [(title, hint) for title, hint in spec.hidden]
            self.rng.shuffle(options)
            self.disguises[spec.category] = options
        self.disguise_count: dict[str, int] = {}

    def build(self) -> Catalogue:
        rng = self.rng
        sellers = self._sellers(max(40, self.size // 8))
        traders = sellers[: max(8, len(sellers) // 12)]
        ordinary_sellers = sellers[len(traders) :]

        n_plain = max(len(CATEGORY_IDS), round(self.size * _PLAIN_SHARE))
        disguise_round = [spec for spec in _OFFENCES for _ in range(_DISGUISE_WEIGHTS.get(spec.category, 1))]
        n_disguised = max(len(disguise_round), round(self.size * _DISGUISED_SHARE))
        n_hard = max(1, round(self.size * _HARD_NEGATIVE_SHARE))
        n_ordinary = self.size - n_plain - n_disguised - n_hard

        plan: list[tuple[Kind, _OffenceSpec | None]] = []
        plan += [("plain", _OFFENCES[i % len(_OFFENCES)]) for i in range(n_plain)]
        plan += [("disguised", disguise_round[i % len(disguise_round)]) for i in range(n_disguised)]
        plan += [("hard_negative", None)] * n_hard
        plan += [("ordinary", None)] * n_ordinary
        rng.shuffle(plan)

        ids = rng.sample(range(100000, 1000000), self.size)
        window = int(POSTING_WINDOW.total_seconds() // 60)
        listings = []
        for listing_id, (kind, spec) in zip(ids, plan, strict=True):
            if kind in ("plain", "disguised"):
                seller = rng.choice(traders) if rng.random() < 0.6 else rng.choice(ordinary_sellers)
            else:
                seller = rng.choice(ordinary_sellers)
            if kind == "plain" and spec is not None:
                title, description, price = self._plain(spec)
            elif kind == "disguised" and spec is not None:
                title, description, price = self._disguised(spec)
            elif kind == "hard_negative":
                title, description, price = self._hard_negative()
            else:
                title, description, price = self._ordinary()
            sid = str(listing_id)
            listings.append(
                DemoListing(
                    listing_id=sid,
                    title=title,
                    description=description,
                    price=price,
                    seller=seller.name,
                    seller_id=seller.seller_id,
                    location=seller.location,
                    posted_at=EPOCH - timedelta(minutes=rng.randrange(1, window)),
                    image=f"/static/img/{sid}.svg",
                    kind=kind,
                    category=spec.category if spec is not None else None,
                )
            )
        listings += self._photo_listings(sellers)
        listings += self._unsearchable(traders, {listing.listing_id for listing in listings})
        return Catalogue(self.seed, listings, sellers)

    @staticmethod
    def _photo_listings(sellers: list[DemoSeller]) -> list[DemoListing]:
        """The fixed listings whose offence (or innocent look-alike) is only in the photo."""
        from crawler.demo_market.photos import PHOTO_LISTINGS

        listings = []
        for number, spec in enumerate(PHOTO_LISTINGS):
            seller = sellers[spec.seller % len(sellers)]
            listings.append(
                DemoListing(
                    listing_id=spec.listing_id,
                    title=spec.title,
                    description=spec.description,
                    price=Decimal(spec.price),
                    seller=seller.name,
                    seller_id=seller.seller_id,
                    location=seller.location,
                    posted_at=EPOCH - timedelta(hours=number + 1),
                    image=f"/static/img/{spec.listing_id}.svg",
                    kind="photo",
                    category=spec.category,
                    photos=spec.photos,
                )
            )
        return listings

    def _unsearchable(self, traders: list[DemoSeller], taken: set[str]) -> list[DemoListing]:
        """The hand-written listings no search term finds, from a generator of their own (so that every other
        listing stays as it was), with the lowest ids no other listing has."""
        rng = random.Random(self.seed + 1)
        window = int(POSTING_WINDOW.total_seconds() // 60)
        free = (str(number) for number in range(100000, 1000000) if str(number) not in taken)
        out = []
        for title, description, category, price in UNSEARCHABLE:
            seller = rng.choice(traders)
            sid = next(free)
            text = description
            for sentence in rng.sample(_GENERIC_SENTENCES, k=len(_GENERIC_SENTENCES)):
                if len(text) >= _DESCRIPTION_MIN:
                    break
                text += sentence
            out.append(
                DemoListing(
                    listing_id=sid,
                    title=title,
                    description=text,
                    price=Decimal(price).quantize(Decimal("0.01")),
                    seller=seller.name,
                    seller_id=seller.seller_id,
                    location=seller.location,
                    posted_at=EPOCH - timedelta(minutes=rng.randrange(1, window)),
                    image=f"/static/img/{sid}.svg",
                    kind="disguised",
                    category=category,
                )
            )
        return out

    def _sellers(self, count: int) -> list[DemoSeller]:
        rng = self.rng
        names: set[str] = set()
        sellers: list[DemoSeller] = []
        seller_ids = rng.sample(range(10_000_000, 100_000_000), count)
        while len(sellers) < count:
            name = rng.choice(_NICK_HEADS) + rng.choice(_NICK_TAILS)
            if name in names:
                name = f"{name}{rng.randrange(10, 1000)}"
            if name in names:
                continue
            names.add(name)
            sellers.append(DemoSeller(f"u{seller_ids[len(sellers)]}", name, rng.choice(CITIES)))
        return sellers

    def _title(self, core: str) -> str:
        rng = self.rng
        title = f"{rng.choice(_TITLE_LEADS)}{core}{rng.choice(_TITLE_CONDITIONS)}{rng.choice(_TITLE_TAILS)}"
        return " ".join(title.split())

    def _offence_title(self, core: str) -> str:
        rng = self.rng
        title = f"{rng.choice(_OFFENCE_LEADS)}{core}{rng.choice(_OFFENCE_TAILS)}"
        return " ".join(title.split())

    def _price(self, low: int, high: int) -> Decimal:
        rng = self.rng
        value = rng.randint(low, high)
        if value >= 1000:
            value = value // 100 * 100 + rng.choice((0, 0, 88, 99, 66))
        elif value >= 100:
            value = value // 10 * 10 + rng.choice((0, 0, 8, 9))
        cents = rng.choice((0, 0, 0, 0, 50, 90))
        return (Decimal(value * 100 + cents) / Decimal(100)).quantize(Decimal("0.01"))

    def _description(self, first: list[str]) -> str:
        rng = self.rng
        extras = list(_GENERIC_SENTENCES)
        rng.shuffle(extras)
        take = rng.randint(1, 3)
        text = "".join(first) + "\n" + "".join(extras[:take])
        del extras[:take]
        while len(text) < _DESCRIPTION_MIN and extras:
            text += extras.pop()
        if len(text) > _DESCRIPTION_MAX:
            cut = text.rfind("。", 0, _DESCRIPTION_MAX)
            text = text[: cut + 1] if cut >= _DESCRIPTION_MIN else text[:_DESCRIPTION_MAX]
        return text

    def _ordinary(self) -> tuple[str, str, Decimal]:
        rng = self.rng
        core, low, high, sentences = rng.choice(_ORDINARY)
        picked = rng.sample(sentences, k=rng.randint(1, len(sentences)))
        return self._title(core), self._description(picked), self._price(low, high)

    def _plain(self, spec: _OffenceSpec) -> tuple[str, str, Decimal]:
        rng = self.rng
        core, low, high = rng.choice(spec.plain)
        sentences = rng.sample(spec.sentences, k=rng.randint(1, 2))
        if rng.random() < 0.5:
            sentences.append(rng.choice(_WINK_SENTENCES))
        return self._offence_title(core), self._description(sentences), self._price(low, high)

    def _disguised(self, spec: _OffenceSpec) -> tuple[str, str, Decimal]:
        rng = self.rng
        low, high = spec.price
        options = self.disguises[spec.category]
        count = self.disguise_count.get(spec.category, 0)
        self.disguise_count[spec.category] = count + 1
        title, hint = options[count % len(options)]
        winks = rng.sample(_WINK_SENTENCES, k=2)
        # A hidden offer: innocuous title, the product named (or coded) only in the description.
        first = hint + "。" if hint else rng.choice(spec.sentences)
        sentences = [first, *winks]
        return self._offence_title(title), self._description(sentences), self._price(low, high)

    def _hard_negative(self) -> tuple[str, str, Decimal]:
        rng = self.rng
        core, low, high, sentence = rng.choice(_HARD_NEGATIVES)
        return self._title(core), self._description([sentence]), self._price(low, high)
