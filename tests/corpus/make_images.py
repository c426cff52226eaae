"""Writes the corpus's placeholder photos and ad artwork (run from the repo root:
`.venv/bin/python tests/corpus/make_images.py`). The files are committed; this script
says how they were made and remakes them byte for byte.

Photos are drawn scenes (sky, buildings, trees, people, water, fields …) in the
aspect ratios a district paper prints — 3:2, 4:3, 16:9, square, portrait 2:3 and 3:4,
panorama 3:1 — each marked 示意图 (placeholder), large enough for 200 ppi at six
tabloid columns (about 250 mm: 2000 px across), and small as JPEG (smooth areas).
Ads are flat PNG artwork sized for their columns × lines at 200 ppi.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

CORPUS = Path(__file__).resolve().parent
SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SANS_INDEX = 2  # the SC face inside the collection
JPEG_QUALITY = 72
LABEL = "示意图"


@dataclass(frozen=True)
class Photo:
    path: str  # inside tests/corpus
    size: tuple[int, int]
    scene: str  # a drawing function below
    note: str  # what the picture stands for, printed small under the label


PHOTOS = (
    Photo("changning-2026-03-05/images/hongqiao-yuan.jpg", (2000, 1333), "park", "虹桥公园改造后的滨水步道"),
    Photo("changning-2026-03-05/images/jiedao-zhiyuanzhe.jpg", (2000, 1500), "volunteers", "社区志愿者在小区门口"),
    Photo("changning-2026-03-05/images/yishu-jie.jpg", (2000, 1333), "stage", "社区艺术节开幕演出"),
    Photo("changning-2026-03-05/images/laoshu-xinya.jpg", (1400, 2100), "tree", "老街梧桐吐新芽"),
    Photo("jiading-2026-04-10/images/qiche-cheng.jpg", (2000, 1125), "factory", "汽车城智能工厂生产线"),
    Photo("jiading-2026-04-10/images/huaxiang.jpg", (2000, 1333), "garden", "古城花巷游人如织"),
    Photo("putuo-2026-05-15/images/suzhouhe.jpg", (2000, 1333), "river", "苏州河畔晨练的市民"),
    Photo("putuo-2026-05-15/images/yiliao.jpg", (2000, 1500), "clinic", "社区卫生服务中心夜间门诊"),
    Photo("putuo-2026-05-15/images/jiazhang-ke.jpg", (2000, 1333), "meeting", "家长课堂现场"),
    Photo("putuo-2026-05-15/images/kaixin-nongchang.jpg", (2000, 2000), "garden", "校园楼顶的开心农场"),
    Photo("songjiang-2026-06-12/images/daotian-quanjing.jpg", (2400, 800), "fields", "浦南稻田全景"),
    Photo("songjiang-2026-06-12/images/nongmin.jpg", (1400, 2100), "farmer", "种粮大户在田头"),
    Photo("songjiang-2026-06-12/images/xiaomai.jpg", (2000, 2000), "harvest", "新麦入仓"),
    Photo("songjiang-2026-06-12/images/guangfulin.jpg", (2000, 1333), "ruins", "广富林遗址公园"),
    Photo("songjiang-2026-06-12/images/yanxue.jpg", (2000, 1333), "ruins", "研学学生在遗址公园"),
    Photo("songjiang-2026-06-12/images/yunhe.jpg", (2000, 1333), "river", "夏日里的古镇河道"),
    Photo("hongkou-2026-07-03/images/beiwaitan.jpg", (2400, 800), "skyline", "北外滩天际线"),
    Photo("hongkou-2026-07-03/images/duolun.jpg", (2000, 1333), "street", "多伦路文化名人街"),
    Photo("hongkou-2026-07-03/images/shequ-shitang.jpg", (2000, 1500), "canteen", "社区长者食堂午餐时间"),
    Photo("baoshan-2026-08-21/images/youlun.jpg", (2000, 1125), "port", "吴淞口国际邮轮港"),
    Photo("baoshan-2026-08-21/images/fangxun.jpg", (2000, 1333), "drill", "防汛应急演练"),
    Photo("qingpu-2026-09-18/images/jinze.jpg", (2000, 1333), "bridge", "金泽古镇石桥"),
    Photo("qingpu-2026-09-18/images/jinboh.jpg", (2000, 1125), "hall", "进博会展馆周边"),
    Photo("qingpu-2026-09-18/images/yugang.jpg", (1500, 2000), "farmer", "渔民展示收获"),
    Photo("fengxian-2026-10-16/images/haiwan.jpg", (2400, 800), "sea", "杭州湾畔海岸线"),
    Photo("fengxian-2026-10-16/images/xiangcun.jpg", (2000, 1333), "village", "乡村振兴示范村"),
    Photo("fengxian-2026-10-16/images/mulin-dian.jpg", (2000, 1333), "village", "新叶村的睦邻点"),
    Photo("fengxian-2026-10-16/images/shufa.jpg", (2000, 2000), "calligraphy", "老年大学书法课"),
    Photo("minhang-2026-11-06/images/linghaowan.jpg", (2000, 1333), "skyline", "大零号湾科创楼宇"),
    Photo("minhang-2026-11-06/images/yinxing.jpg", (2000, 1500), "garden", "郊野公园银杏林"),
    Photo("minhang-2026-11-06/images/maqiao.jpg", (2000, 1125), "factory", "智能终端生产线"),
    Photo("minhang-2026-11-06/images/shitang.jpg", (2000, 1333), "canteen", "社区长者食堂"),
    Photo("minhang-2026-11-06/images/qibao-yeshi.jpg", (2000, 1125), "street", "老街周末夜市"),
    Photo("minhang-2026-11-06/images/zixingche.jpg", (1500, 2000), "tree", "树下的旧自行车"),
    Photo("yangpu-2026-11-20/images/binjiang.jpg", (2400, 800), "skyline", "杨浦滨江南段全景"),
    Photo("yangpu-2026-11-20/images/kafeiguan.jpg", (2000, 2000), "street", "老厂房里的咖啡馆"),
    Photo("jingan-2026-11-27/images/suhewan.jpg", (3000, 1000), "skyline", "苏州河畔苏河湾"),
    Photo("jingan-2026-11-27/images/zhangyuan.jpg", (2000, 1500), "stage", "张园冬日音乐会"),
    Photo("jingan-2026-11-27/images/shikumen.jpg", (2000, 1333), "street", "修缮后的石库门里弄"),
    Photo("jingan-2026-11-27/images/tongshu.jpg", (2000, 1333), "meeting", "童书展绘本展区"),
    Photo("xuhui-2026-12-11/images/xian.jpg", (2000, 1333), "park", "西岸美术馆大道"),
    Photo("xuhui-2026-12-11/images/tingche.jpg", (2000, 1500), "street", "老旧小区新划的停车位"),
    Photo("pudong-2026-12-18/images/yangshan.jpg", (2400, 800), "port", "洋山深水港全景"),
    Photo("pudong-2026-12-18/images/kexue-huitang.jpg", (1400, 2100), "tree", "张江科学会堂"),
    Photo("pudong-2026-12-18/images/xinchang.jpg", (2000, 2000), "river", "古镇冬至集市"),
    Photo("pudong-2026-12-18/images/houniao.jpg", (2400, 800), "sea", "沿海湿地越冬候鸟"),
    Photo("pudong-2026-12-18/images/shouta.jpg", (1400, 2100), "farmer", "老水塔的看护员"),
    Photo("pudong-2026-12-18/images/tangyuan.jpg", (2000, 2000), "canteen", "社区食堂包汤圆"),
    Photo("pudong-2026-12-18/images/chuansha.jpg", (2000, 1500), "ruins", "古城墙下晨练"),
    Photo("pudong-2026-12-18/images/chuanzhang.jpg", (1500, 2000), "farmer", "退休老船长"),
    Photo("jinshan-2026-12-25/images/nongminhua.jpg", (2000, 1333), "meeting", "农民画创作室"),
    Photo("jinshan-2026-12-25/images/shatan.jpg", (2400, 800), "sea", "冬日城市沙滩"),
    Photo("jinshan-2026-12-25/images/weishengyuan.jpg", (2000, 1500), "clinic", "镇卫生院专家门诊"),
    Photo("chongming-2026-12-29/images/shengtai.jpg", (2000, 1333), "fields", "崇明北沿生态林带"),
    Photo("chongming-2026-12-29/images/xisha.jpg", (2000, 1500), "sea", "西沙湿地的冬候鸟"),
    Photo("chongming-2026-12-29/images/chonggao.jpg", (1500, 2000), "canteen", "灶间蒸糕"),
)


@dataclass(frozen=True)
class Ad:
    path: str
    size: tuple[int, int]
    colour: tuple[int, int, int]
    title: str
    lines: tuple[str, ...]


# 3 columns × 20 lines of the tabloid ≈ 117 × 88 mm; 6 columns × 12 lines ≈ 238 × 53 mm (200 ppi).
ADS = (
    Ad("qingpu-2026-09-18/ads/yinhang.png", (922, 694), (176, 30, 36), "农商银行 社区金融服务站",
       ("开业啦", "养老金代发 · 助老专窗", "青浦区华新镇 服务热线 021-0000 0000")),
    Ad("qingpu-2026-09-18/ads/jinbo-zhiyuan.png", (1872, 416), (0, 92, 150), "进博会城市志愿者招募",
       ("扫码报名 · 青浦团区委", "报名截止 10月8日")),
    Ad("fengxian-2026-10-16/ads/gongyi.png", (922, 694), (24, 110, 60), "公益广告",
       ("垃圾分类 从我做起", "奉贤区绿化市容局")),
    # 对开: 8 columns × 36 lines ≈ 352 × 152 mm; 2 columns × 24 lines ≈ 85 × 102 mm (200 ppi).
    Ad("jingan-2026-11-27/ads/shangchang.png", (2775, 1200), (120, 20, 60), "苏河湾万象天地 盛大开业",
       ("冬季购物季 · 首店云集", "11月25日起 · 地铁12号线、13号线直达", "静安区 北苏州路沿线")),
    Ad("jingan-2026-11-27/ads/wenming.png", (675, 800), (20, 90, 150), "公益广告",
       ("文明静安", "礼让斑马线", "静安区文明办")),
    # 四开: 3 columns × 20 lines as above; 2 columns × 15 lines ≈ 77 × 66 mm (200 ppi).
    Ad("jinshan-2026-12-25/ads/baoxian.png", (922, 694), (0, 110, 120), "惠民保 2027年度开始参保",
       ("保费每年129元", "既往症人群也能保", "金山区医疗保障局 咨询热线 12393")),
    Ad("jinshan-2026-12-25/ads/fangzha.png", (606, 521), (200, 60, 20), "公益广告",
       ("防范电信诈骗", "不听不信不转账", "金山公安分局")),
)


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(SANS, size, index=SANS_INDEX)


def gradient(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    w, h = size
    column = Image.new("RGB", (1, h))
    for y in range(h):
        t = y / max(1, h - 1)
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    return column.resize((w, h))


def shade(colour: tuple[int, int, int], f: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, round(c * f))) for c in colour)


class Scene:
    """Drawing helpers on one picture; coordinates as shares of width and height."""

    def __init__(self, size: tuple[int, int], sky: tuple, ground: tuple, horizon: float, seed: str):
        self.w, self.h = size
        self.horizon = horizon
        self.rng = random.Random(seed)
        self.im = gradient(size, sky, shade(sky, 1.15))
        ground_im = gradient((self.w, self.h - int(self.h * horizon)), ground, shade(ground, 0.7))
        self.im.paste(ground_im, (0, int(self.h * horizon)))
        self.d = ImageDraw.Draw(self.im)

    def px(self, x: float, y: float) -> tuple[int, int]:
        return round(x * self.w), round(y * self.h)

    def rect(self, x0, y0, x1, y1, fill):
        self.d.rectangle((*self.px(x0, y0), *self.px(x1, y1)), fill=fill)

    def buildings(self, n: int, base: float, tall: float, palette: tuple):
        x = 0.0
        while x < 1:
            bw = self.rng.uniform(0.6, 1.6) / n
            top = base - self.rng.uniform(0.3, 1.0) * tall
            colour = self.rng.choice(palette)
            self.rect(x, top, x + bw, base, colour)
            wx = x + bw * 0.12
            while wx < x + bw * 0.85:  # windows
                wy = top + 0.02
                while wy < base - 0.03:
                    self.rect(wx, wy, wx + bw * 0.1, wy + 0.012, shade(colour, 1.35))
                    wy += 0.035
                wx += bw * 0.2
            x += bw * 1.05

    def tree(self, x: float, y: float, r: float, green=(60, 120, 60)):
        self.rect(x - r * 0.08, y, x + r * 0.08, y + r * 1.6, (90, 65, 40))
        for dx, dy, k in ((0, 0, 1.0), (-0.5, 0.3, 0.8), (0.5, 0.3, 0.8), (0, -0.4, 0.75)):
            cx, cy = x + dx * r * self.h / self.w, y + dy * r
            rr = r * k
            self.d.ellipse((*self.px(cx - rr * self.h / self.w, cy - rr), *self.px(cx + rr * self.h / self.w, cy + rr)),
                           fill=shade(green, self.rng.uniform(0.85, 1.15)))

    def person(self, x: float, y: float, height: float, coat: tuple):
        """A standing figure whose feet are at (x, y)."""
        head = height * 0.13
        aspect = self.h / self.w
        self.d.ellipse((*self.px(x - head * aspect / 2, y - height), *self.px(x + head * aspect / 2, y - height + head)),
                       fill=(230, 190, 160))
        self.d.rounded_rectangle((*self.px(x - height * 0.17 * aspect, y - height + head * 1.05),
                                  *self.px(x + height * 0.17 * aspect, y - height * 0.42)),
                                 radius=max(2, round(height * self.h * 0.04)), fill=coat)
        self.rect(x - height * 0.12 * aspect, y - height * 0.42, x - height * 0.02 * aspect, y, (50, 50, 70))
        self.rect(x + height * 0.02 * aspect, y - height * 0.42, x + height * 0.12 * aspect, y, (50, 50, 70))

    def crowd(self, n: int, y0: float, y1: float, height: float):
        coats = ((200, 40, 40), (40, 80, 160), (240, 200, 60), (70, 140, 90), (230, 230, 230), (120, 70, 140))
        for _ in range(n):
            y = self.rng.uniform(y0, y1)
            self.person(self.rng.uniform(0.03, 0.97), y, height * (0.7 + 0.6 * (y - y0) / max(1e-6, y1 - y0)),
                        self.rng.choice(coats))

    def water(self, y0: float, y1: float, colour=(70, 120, 160)):
        self.im.paste(gradient((self.w, self.px(0, y1)[1] - self.px(0, y0)[1]), shade(colour, 1.2), colour),
                      self.px(0, y0))
        for _ in range(40):
            x, y = self.rng.uniform(0, 1), self.rng.uniform(y0, y1)
            self.rect(x, y, x + self.rng.uniform(0.02, 0.08), y + 0.004, shade(colour, 1.4))

    def rows(self, y0: float, colours: tuple, n: int = 12):
        """Field rows running to the horizon."""
        for k in range(n):
            top = y0 + (1 - y0) * (k / n) ** 1.6
            bottom = y0 + (1 - y0) * ((k + 1) / n) ** 1.6
            self.rect(0, top, 1, bottom, colours[k % len(colours)])

    def banner(self, x0, y0, x1, y1, text: str, colour=(190, 30, 40)):
        self.rect(x0, y0, x1, y1, colour)
        size = max(12, round((y1 - y0) * self.h * 0.6))
        f = font(size)
        tw = self.d.textlength(text, font=f)
        cx, cy = self.px((x0 + x1) / 2, (y0 + y1) / 2)
        self.d.text((cx - tw / 2, cy - size * 0.6), text, font=f, fill=(255, 235, 160))

    def finish(self, note: str) -> Image.Image:
        im = self.im.filter(ImageFilter.GaussianBlur(radius=max(1, self.w // 900)))
        d = ImageDraw.Draw(im)
        size = max(24, min(self.w, self.h) // 16)
        pad = size // 2
        f, small = font(size), font(size * 5 // 8)
        width = max(d.textlength(LABEL, font=f), d.textlength(note, font=small)) + 2 * pad
        d.rectangle((pad, pad, pad + width, pad * 3 + size * 1.7), fill=(255, 255, 255))
        d.text((pad * 2, pad * 1.4), LABEL, font=f, fill=(180, 20, 20))
        d.text((pad * 2, pad * 1.6 + size * 1.1), note, font=small, fill=(40, 40, 40))
        return im


def draw(photo: Photo) -> Image.Image:
    s, kind = None, photo.scene
    size, seed = photo.size, photo.path
    if kind in ("park", "river"):
        s = Scene(size, (150, 190, 230), (110, 150, 90), 0.5, seed)
        s.buildings(9, 0.5, 0.3, ((170, 170, 180), (200, 190, 170), (140, 150, 170)))
        s.water(0.62, 0.8)
        for k in range(7):
            s.tree(0.07 + k * 0.14, 0.5, 0.07)
        s.crowd(9, 0.85, 0.97, 0.2)
    elif kind == "volunteers":
        s = Scene(size, (170, 200, 230), (150, 150, 150), 0.55, seed)
        s.buildings(6, 0.55, 0.45, ((200, 180, 160), (180, 170, 160)))
        s.rect(0.2, 0.35, 0.8, 0.55, (120, 100, 90))
        s.banner(0.25, 0.38, 0.75, 0.46, "社区志愿服务站")
        s.crowd(8, 0.8, 0.95, 0.38)
    elif kind == "stage":
        s = Scene(size, (40, 30, 60), (90, 40, 40), 0.62, seed)
        s.rect(0.08, 0.15, 0.92, 0.62, (150, 30, 40))
        s.banner(0.15, 0.18, 0.85, 0.28, "社区艺术节", (200, 150, 40))
        for k in range(5):
            s.person(0.25 + k * 0.12, 0.6, 0.25, ((230, 60, 90), (240, 200, 60))[k % 2])
        s.crowd(40, 0.75, 0.99, 0.22)
    elif kind == "tree":
        s = Scene(size, (190, 210, 230), (150, 140, 130), 0.78, seed)
        s.buildings(3, 0.78, 0.4, ((190, 170, 150), (170, 160, 150)))
        s.tree(0.5, 0.3, 0.18, (120, 170, 80))
        s.tree(0.2, 0.45, 0.1, (120, 170, 80))
        s.crowd(3, 0.9, 0.98, 0.16)
    elif kind == "factory":
        s = Scene(size, (200, 205, 210), (120, 125, 130), 0.45, seed)
        for k in range(6):
            s.rect(0.05 + k * 0.16, 0.5, 0.15 + k * 0.16, 0.7, (230, 120, 30))
            s.rect(0.08 + k * 0.16, 0.38, 0.09 + k * 0.16, 0.5, (90, 90, 100))
        s.rect(0, 0.72, 1, 0.76, (60, 60, 70))
        s.crowd(4, 0.85, 0.95, 0.3)
    elif kind in ("garden", "harvest"):
        s = Scene(size, (180, 210, 235), (90, 140, 70), 0.4, seed)
        colours = ((230, 80, 110), (250, 200, 60), (240, 240, 240), (200, 90, 200)) if kind == "garden" \
            else ((220, 180, 70), (200, 160, 60))
        s.rows(0.45, colours + ((80, 130, 60),))
        s.crowd(6 if kind == "garden" else 2, 0.7, 0.95, 0.3)
    elif kind == "clinic":
        s = Scene(size, (230, 235, 240), (200, 205, 210), 0.6, seed)
        s.rect(0.1, 0.4, 0.9, 0.62, (250, 250, 250))
        s.banner(0.3, 0.15, 0.7, 0.25, "夜间门诊", (30, 120, 160))
        s.crowd(5, 0.8, 0.95, 0.42)
    elif kind == "meeting":
        s = Scene(size, (200, 195, 185), (130, 90, 70), 0.45, seed)
        s.banner(0.1, 0.1, 0.9, 0.2, "家长课堂", (170, 30, 40))
        s.rect(0.3, 0.25, 0.7, 0.45, (240, 240, 240))
        s.crowd(30, 0.6, 0.99, 0.25)
    elif kind == "fields":
        s = Scene(size, (160, 200, 240), (100, 160, 60), 0.35, seed)
        s.rows(0.36, ((110, 170, 60), (90, 150, 50), (130, 180, 70)), 16)
        for k in range(12):
            s.tree(0.04 + k * 0.085, 0.33, 0.05)
        s.rect(0.46, 0.36, 0.54, 1.0, (170, 160, 140))
    elif kind == "farmer":
        s = Scene(size, (170, 205, 235), (120, 170, 70), 0.55, seed)
        s.rows(0.56, ((120, 170, 70), (100, 150, 60)))
        s.person(0.5, 0.95, 0.6, (60, 100, 160))
    elif kind in ("ruins", "bridge", "village"):
        s = Scene(size, (175, 200, 225), (110, 150, 100), 0.55, seed)
        s.buildings(5, 0.55, 0.2, ((240, 240, 235), (90, 90, 95)))
        if kind == "bridge":
            s.water(0.6, 1.0)
            s.d.arc((*s.px(0.25, 0.42), *s.px(0.75, 0.9)), 180, 360, fill=(150, 150, 140), width=s.h // 25)
        else:
            for k in range(5):
                s.tree(0.1 + k * 0.2, 0.55, 0.08)
        s.crowd(5, 0.85, 0.97, 0.2)
    elif kind in ("skyline", "port", "sea"):
        s = Scene(size, (140, 180, 220), (80, 120, 160), 0.55, seed)
        if kind != "sea":
            s.buildings(14, 0.55, 0.45, ((120, 140, 170), (180, 190, 200), (90, 100, 120)))
        s.water(0.55, 1.0)
        if kind == "port":
            s.rect(0.3, 0.42, 0.8, 0.58, (245, 245, 245))
            s.rect(0.35, 0.36, 0.7, 0.42, (230, 230, 230))
    elif kind == "street":
        s = Scene(size, (190, 200, 210), (140, 130, 120), 0.7, seed)
        s.buildings(5, 0.7, 0.5, ((160, 90, 70), (190, 170, 140)))
        s.crowd(10, 0.8, 0.98, 0.3)
    elif kind == "canteen":
        s = Scene(size, (235, 225, 210), (190, 170, 140), 0.5, seed)
        s.banner(0.3, 0.1, 0.7, 0.2, "长者食堂", (200, 90, 30))
        for k in range(3):
            s.rect(0.1 + k * 0.3, 0.65, 0.3 + k * 0.3, 0.72, (150, 100, 60))
        s.crowd(12, 0.6, 0.95, 0.3)
    elif kind == "drill":
        s = Scene(size, (160, 170, 180), (110, 110, 110), 0.5, seed)
        s.water(0.5, 0.7, (120, 110, 90))
        s.crowd(8, 0.8, 0.97, 0.3)
        s.banner(0.2, 0.3, 0.8, 0.38, "防汛应急演练", (230, 110, 20))
    elif kind == "hall":
        s = Scene(size, (150, 190, 230), (160, 160, 160), 0.6, seed)
        s.d.ellipse((*s.px(0.1, 0.25), *s.px(0.9, 0.85)), fill=(235, 235, 240))
        s.rect(0, 0.6, 1, 1, (160, 160, 160))
        s.crowd(10, 0.8, 0.97, 0.2)
    elif kind == "calligraphy":
        s = Scene(size, (225, 215, 195), (150, 110, 80), 0.6, seed)
        s.rect(0.15, 0.1, 0.85, 0.5, (250, 245, 230))
        f = font(size[1] // 7)
        s.d.text(s.px(0.25, 0.18), "福寿康宁", font=f, fill=(30, 30, 30))
        s.crowd(4, 0.85, 0.95, 0.35)
    if s is None:
        raise ValueError(f"unknown scene {kind}")
    return s.finish(photo.note)


def draw_ad(ad: Ad) -> Image.Image:
    w, h = ad.size
    im = Image.new("RGB", ad.size, ad.colour)
    d = ImageDraw.Draw(im)
    border = max(6, h // 40)
    d.rectangle((border, border, w - border, h - border), outline=(255, 255, 255), width=border // 2)
    title = font(min(h // 5, int(w / (len(ad.title) + 2))))
    d.text((w / 2, h * 0.12), ad.title, font=title, fill=(255, 255, 255), anchor="ma")
    rest = font(min(h // 9, int(w / (max(len(x) for x in ad.lines) + 4))))
    for k, line in enumerate(ad.lines):
        d.text((w / 2, h * (0.45 + 0.17 * k) if h > w / 3 else h * (0.55 + 0.22 * k)), line,
               font=rest, fill=(255, 240, 200), anchor="ma")
    return im


def main() -> None:
    for photo in PHOTOS:
        path = CORPUS / photo.path
        path.parent.mkdir(parents=True, exist_ok=True)
        draw(photo).save(path, "JPEG", quality=JPEG_QUALITY, optimize=True)
    for ad in ADS:
        path = CORPUS / ad.path
        path.parent.mkdir(parents=True, exist_ok=True)
        draw_ad(ad).convert("P", palette=Image.ADAPTIVE, colors=32).save(path, "PNG", optimize=True)


if __name__ == "__main__":
    main()
