#!/usr/bin/env python3
"""Deterministic benchmark corpus generator for gongkai (and, with --hugo, for Hugo).

    bench/gen_corpus.py N OUTDIR           # a complete gongkai site in OUTDIR
    bench/gen_corpus.py N OUTDIR --hugo    # the same documents as a Hugo site in OUTDIR

Pure standard library. Every run with the same N writes byte-identical files: one
random.Random(42) drives everything, and the Hugo mode draws exactly the same numbers
(the Hugo-only front-matter keys are derived, never drawn), so both sites hold the same
documents with the same text.

What is written (gongkai mode; see shared/design/CONTENT-FORMAT.md):
  site-config.toml
  content/policies/<year>/p<NNNNNN>.md          N policies, 2016-2025, 2-6 KB each
  content/interpretations/<year>/j<NNNNNN>.md   N/5 interpretations, one policy each
  content/lists/power.toml                      权力清单, 10,000 rows
  content/pages/guide.md                        信息公开指南 (slug "guide")
  content/reports/<year>.toml                   `year = <year>` for 2016-2025, so each
                                                年度报告 is made from the content alone

Hugo mode writes the same content (TOML front matter with the same keys plus date,
the taxonomy keys issuers/topics/years and cross-links), data/power.toml (the same
ledger, rendered by one page content/lists/power.md), and copies bench/hugo's
config.toml, layouts/ and static/ so OUTDIR is a complete Hugo site.

The text never contains an 11-digit run of digits (mobile-number look-alike) nor an
18-digit one (ID-card look-alike): the only digit runs in bodies are years, dates,
small counts and percentages.
"""

import datetime as dt
import os
import shutil
import sys
import random

SEED = 42
ORG_CODE = "11411500005397436X"
BASE_URL = "https://bench.example.gov.cn"
CITY = "信阳市"
POWER_ROWS = 10000
YEARS = list(range(2016, 2026))

# --------------------------------------------------------------------------- vocabulary

# (name, 机关代字 used in 发文字号)
ISSUERS = [
    ("信阳市人民政府", "信政"),
    ("信阳市人民政府办公室", "信政办"),
    ("信阳市发展和改革委员会", "信发改"),
    ("信阳市教育局", "信教"),
    ("信阳市科学技术局", "信科"),
    ("信阳市工业和信息化局", "信工信"),
    ("信阳市公安局", "信公"),
    ("信阳市民政局", "信民"),
    ("信阳市司法局", "信司"),
    ("信阳市财政局", "信财"),
    ("信阳市人力资源和社会保障局", "信人社"),
    ("信阳市自然资源和规划局", "信自然资规"),
    ("信阳市生态环境局", "信环"),
    ("信阳市住房和城乡建设局", "信建"),
    ("信阳市交通运输局", "信交"),
    ("信阳市水利局", "信水"),
    ("信阳市农业农村局", "信农"),
    ("信阳市商务局", "信商"),
    ("信阳市文化广电和旅游局", "信文广旅"),
    ("信阳市卫生健康委员会", "信卫健"),
    ("信阳市退役军人事务局", "信退役军人"),
    ("信阳市应急管理局", "信应急"),
    ("信阳市审计局", "信审"),
    ("信阳市市场监督管理局", "信市监"),
    ("信阳市统计局", "信统"),
    ("信阳市医疗保障局", "信医保"),
    ("信阳市城市管理局", "信城管"),
    ("信阳市林业局", "信林"),
    ("信阳市政务服务和大数据管理局", "信政数"),
    ("信阳市机关事务管理局", "信机管"),
]

TOPICS = [
    "综合政务\\政务公开",
    "综合政务\\应急管理",
    "综合政务\\政务督查",
    "国民经济管理、国有资产监管\\发展规划",
    "财政、金融、审计\\财政",
    "财政、金融、审计\\审计",
    "国土资源、能源\\土地",
    "农业、林业、水利\\农业、农村",
    "农业、林业、水利\\水利",
    "工业、交通\\交通",
    "商贸、海关、旅游\\旅游",
    "市场监管、安全生产监管\\安全生产监管",
    "城乡建设、环境保护\\城乡建设（含住房）",
    "城乡建设、环境保护\\环境监测、保护与治理",
    "科技、教育\\教育",
    "文化、广电、新闻出版\\文化",
    "卫生、体育\\卫生",
    "劳动、人事、监察\\劳动就业",
    "公安、安全、司法\\司法",
    "民政、扶贫、救灾\\社会救助",
]

CATEGORIES = [
    "政策文件", "规划计划", "财政信息", "人事信息", "统计信息",
    "行政许可", "行政处罚", "应急管理", "重大建设项目", "社会公益事业",
]

# 体裁 with weights (公文种类, plus 办法 which portals list as a 体裁)
GENRES = [("通知", 50), ("意见", 15), ("办法", 8), ("决定", 5), ("通告", 5),
          ("公告", 5), ("批复", 5), ("函", 4), ("通报", 3)]
GENRE_POP = [g for g, _ in GENRES]
GENRE_W = [w for _, w in GENRES]

DOC_TYPES = [("其他文件", 65), ("行政规范性文件", 30), ("规章", 5)]
DOC_TYPE_POP = [d for d, _ in DOC_TYPES]
DOC_TYPE_W = [w for _, w in DOC_TYPES]

INTERP_FORMS = [("文字", 60), ("图解", 25), ("视频", 8), ("访谈", 7)]
INTERP_FORM_POP = [f for f, _ in INTERP_FORMS]
INTERP_FORM_W = [w for _, w in INTERP_FORMS]

AREAS = [
    "政务公开", "财政预决算", "重大建设项目", "公共资源配置", "社会公益事业", "生态环境保护",
    "义务教育", "卫生健康", "食品药品安全", "安全生产", "巩固拓展脱贫攻坚成果", "社会救助",
    "就业创业", "住房保障", "征地补偿", "行政审批制度改革", "市场监管", "减税降费",
    "国有企业改革", "乡村振兴", "交通运输", "水利工程建设", "自然资源管理", "城市管理",
    "政务服务", "医疗保障", "退役军人服务保障", "应急管理", "审计整改", "统计调查",
    "公共文化服务", "优化营商环境", "河长制", "林长制", "农村人居环境整治", "养老服务",
    "校外培训治理", "城镇老旧小区改造", "地方政府债务管理", "政府采购",
]

VERB1 = ["推进", "深化", "加强", "加大", "做好", "规范", "强化", "完善", "落实", "健全"]

OBJECTS = [
    "政策解读和回应关切工作", "政府网站集约化建设", "政务新媒体规范管理", "依申请公开办理工作",
    "信息发布保密审查机制", "政府信息公开目录动态更新", "决策预公开和意见征集", "重大行政决策程序",
    "行政执法公示制度", "权力清单和责任清单动态调整", "随机抽查事项清单公开", "办事指南标准化建设",
    "基层政务公开标准目录编制", "政府信息主动公开基本目录", "政务服务事项网上办理",
    "数据开放共享工作", "政府公报发布工作", "新闻发布会制度", "舆情收集研判和回应机制",
    "公众参与和意见反馈机制", "政策文件合法性审查", "规范性文件备案审查", "考核评估和社会评议",
]

PURPOSES = [
    "切实保障人民群众知情权、参与权、表达权和监督权",
    "不断增强政府公信力和执行力",
    "助力深化改革、经济发展、民生改善和政府建设",
    "让权力在阳光下运行",
    "以公开促落实、以公开促规范、以公开促服务",
    "进一步提升政务服务水平和群众满意度",
    "推动各项政策措施落地见效",
    "为经济社会高质量发展营造良好环境",
    "切实增强公开的针对性和有效性",
    "方便公众获取和监督",
]

SUBJECTS = [
    "各县、区人民政府", "各管理区、开发区", "市政府各部门", "各有关单位", "各级行政机关",
    "各乡镇人民政府、街道办事处", "市直各有关部门",
]

MODALS = ["要", "应当", "要进一步", "要切实", "要积极", "必须"]

ACTIONS = [
    "及时公开执行措施、实施步骤、责任分工和落实结果",
    "通过政府门户网站、政务新媒体和新闻媒体等渠道主动发布权威信息",
    "在决策前向社会公开决策草案、决策依据，广泛听取公众意见",
    "健全工作机制，明确责任部门，配齐配强专职工作人员",
    "对照公开标准目录逐项梳理公开事项，做到应公开尽公开",
    "加强对公开内容的审核把关，严防泄露国家秘密和个人隐私",
    "及时更新公开内容，确保信息准确、完整、权威",
    "定期开展自查自纠，对发现的问题立行立改",
    "完善政策解读与政策文件同步起草、同步审签、同步发布机制",
    "建立健全信息发布协调机制，统一对外发布口径",
    "公开办事依据、办理条件、办理材料、办理流程和办理时限",
    "及时回应社会关切，主动解疑释惑，正确引导社会预期",
    "将政务公开工作纳入年度绩效考核体系，强化督促检查",
    "加强业务培训，不断提升工作人员的公开意识和业务能力",
    "规范依申请公开办理流程，严格按照法定时限答复",
    "依法公开监督检查结果和查处情况，接受社会监督",
    "集中公开本领域的法规政策、办事服务和监管信息",
    "做好公开平台建设和日常维护，提升平台的易用性和可及性",
]

LEADS = [
    "市政府办公室牵头落实", "市发展改革委牵头落实", "市财政局牵头落实", "市政务服务和大数据管理局牵头落实",
    "市司法局牵头落实", "市教育局负责落实", "市卫生健康委负责落实", "市生态环境局负责落实",
    "市住房城乡建设局负责落实", "市市场监管局负责落实", "市应急管理局负责落实", "市农业农村局负责落实",
]

GENERIC_SENTENCES = [
    "各地各部门要充分认识做好此项工作的重要意义，切实加强组织领导，确保各项任务落到实处。",
    "对工作推进不力、群众反映强烈的，要及时督促整改，并视情予以通报。",
    "要坚持以公开为常态、不公开为例外，依法依规做好信息公开工作。",
    "各责任单位要结合工作实际，细化工作措施，明确时间节点，于每季度末报送工作进展情况。",
    "要注重运用图表图解、音频视频、专家访谈等方式，提高政策解读的针对性和可读性。",
    "要加强政务舆情监测研判，对涉及本地区、本部门的重要政务舆情，及时发布权威信息。",
    "要严格落实公开属性源头认定机制，公文在起草时即明确主动公开、依申请公开或不予公开。",
    "市政府办公室将适时组织开展专项督查，督查结果纳入年度目标考核。",
    "各单位要确定一名分管负责同志和一名联络员，负责日常工作的组织协调。",
    "涉及群众切身利益、需要社会广泛知晓的重要改革方案和政策措施，要通过多种渠道广泛宣传。",
    "要加强政府网站与政务新媒体的协同联动，形成信息发布的整体合力。",
    "对于公众关注度高的政策，要在政策出台后三个工作日内发布解读材料。",
    "要按照“谁起草、谁解读”的原则，由文件起草部门做好解读工作。",
    "要推行“互联网+政务服务”，推动更多事项实现“一网通办”“最多跑一次”。",
    "要持续优化政务服务流程，压缩办理时限，减少办事材料，切实方便企业和群众办事。",
    "要健全完善政府信息公开申请受理、审查、处理、答复等各环节的工作制度。",
]

GOALS = [
    "到年底，各项公开任务全面完成，政务公开标准化规范化水平明显提升",
    "公开内容更加丰富，公开渠道更加畅通，公开实效进一步增强",
    "基本建成覆盖市、县、乡三级的政务公开工作体系",
    "政策解读回应更加及时有效，社会公众满意度稳步提高",
]

ORDINAL = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
           "十一", "十二", "十三", "十四", "十五"]

LAWS = [
    "《中华人民共和国行政许可法》", "《中华人民共和国行政处罚法》", "《中华人民共和国行政强制法》",
    "《中华人民共和国食品安全法》", "《中华人民共和国安全生产法》", "《中华人民共和国环境保护法》",
    "《中华人民共和国道路交通安全法》", "《中华人民共和国城乡规划法》", "《中华人民共和国土地管理法》",
    "《中华人民共和国建筑法》", "《中华人民共和国药品管理法》", "《中华人民共和国教育法》",
    "《中华人民共和国水法》", "《中华人民共和国森林法》", "《中华人民共和国统计法》",
    "《中华人民共和国审计法》", "《中华人民共和国社会保险法》", "《中华人民共和国民办教育促进法》",
    "《中华人民共和国消防法》", "《中华人民共和国税收征收管理法》", "《中华人民共和国文物保护法》",
    "《中华人民共和国动物防疫法》", "《中华人民共和国公路法》", "《中华人民共和国广告法》",
    "《中华人民共和国政府信息公开条例》", "《优化营商环境条例》", "《社会救助暂行办法》",
    "《建设工程质量管理条例》", "《城镇排水与污水处理条例》", "《河南省城市市容和环境卫生管理条例》",
]

# 权力类型 -> code letters and name templates ({x} is an object)
POWER_TYPES = [
    ("行政许可", "XK", ["{x}审批", "{x}许可", "{x}核准", "{x}备案核准"]),
    ("行政处罚", "CF", ["对{x}违法行为的处罚", "对未按规定{x}的处罚", "对擅自{x}的处罚"]),
    ("行政强制", "QZ", ["对{x}的查封、扣押", "对{x}的强制拆除", "{x}代履行"]),
    ("行政征收", "ZS", ["{x}费征收", "{x}补偿费征收"]),
    ("行政给付", "JF", ["{x}补助金给付", "{x}救助金给付", "{x}抚恤金给付"]),
    ("行政检查", "JC", ["对{x}的监督检查", "{x}情况检查", "{x}执法检查"]),
    ("行政确认", "QR", ["{x}资格确认", "{x}登记", "{x}认定"]),
    ("行政奖励", "JL", ["对{x}先进单位和个人的表彰奖励", "{x}工作奖励"]),
    ("行政裁决", "CJ", ["{x}权属争议裁决", "{x}纠纷裁决"]),
    ("其他行政权力", "QT", ["{x}年度报告公示", "{x}信息变更", "{x}事项办理"]),
]
POWER_OBJECTS = [
    "建设工程施工", "城市道路占用", "户外广告设置", "食品经营", "药品零售", "医疗机构执业",
    "民办学校办学", "排污", "取水", "林木采伐", "建设用地", "临时用地", "房地产开发", "燃气经营",
    "危险化学品经营", "道路运输经营", "出租汽车经营", "特种设备使用", "消防安全", "文物保护单位修缮",
    "娱乐场所经营", "网吧经营", "社会团体", "民办非企业单位", "养老机构", "劳务派遣经营",
    "人力资源服务", "农药经营", "种子生产经营", "动物诊疗", "生猪屠宰", "河道采砂", "水土保持",
    "城市绿化", "城市排水", "建筑垃圾处置", "价格", "计量器具", "广告发布", "统计调查",
    "土地权属", "林地权属", "最低生活保障", "特困人员供养", "临时救助", "优抚对象", "见义勇为",
    "残疾人", "失业保险", "工伤认定", "职业技能鉴定", "教师资格", "中小学校", "体育场馆",
]


# --------------------------------------------------------------------------- text makers

def cn_date(d):
    return f"{d.year}年{d.month}月{d.day}日"


def sentence(rng):
    r = rng.random()
    if r < 0.30:
        return (f"{rng.choice(VERB1)}{rng.choice(AREAS)}信息公开，{rng.choice(ACTIONS)}，"
                f"{rng.choice(PURPOSES)}。")
    if r < 0.55:
        return f"{rng.choice(SUBJECTS)}{rng.choice(MODALS)}{rng.choice(ACTIONS)}。"
    if r < 0.75:
        return (f"围绕{rng.choice(AREAS)}等重点领域，{rng.choice(VERB1)}{rng.choice(OBJECTS)}，"
                f"{rng.choice(ACTIONS)}。")
    return rng.choice(GENERIC_SENTENCES)


def paragraph(rng, lo=2, hi=5):
    return "".join(sentence(rng) for _ in range(rng.randint(lo, hi)))


def task_paragraph(rng, year):
    body = paragraph(rng, 2, 4)
    month = rng.choice([6, 9, 10, 11, 12])
    return f"{body}（{rng.choice(LEADS)}，完成时限：{year}年{month}月底前）"


def policy_title(rng, issuer, genre, year):
    area = rng.choice(AREAS)
    r = rng.random()
    if genre == "通知":
        if r < 0.4:
            return f"{issuer}关于印发{CITY}{year}年{area}工作要点的通知"
        if r < 0.7:
            return f"{issuer}关于印发《{CITY}{area}管理办法》的通知"
        return f"{issuer}关于做好{year}年{area}工作的通知"
    if genre == "意见":
        return f"{issuer}关于进一步{rng.choice(VERB1)}{area}工作的意见"
    if genre == "办法":
        return f"{CITY}{area}{rng.choice(['管理办法', '实施办法', '考核办法'])}"
    if genre == "决定":
        return f"{issuer}关于{rng.choice(['废止', '修改', '清理'])}部分{area}规范性文件的决定"
    if genre in ("通告", "公告"):
        return f"{issuer}关于{area}有关事项的{genre}"
    if genre == "批复":
        return f"{issuer}关于{CITY}{area}实施方案的批复"
    if genre == "函":
        return f"{issuer}关于征求{area}工作意见的函"
    return f"{issuer}关于{year}年{area}工作情况的通报"


def policy_body(rng, title, issuer, genre, year, written, target_bytes):
    """The Markdown body; target_bytes is what the body should weigh (UTF-8)."""
    area = rng.choice(AREAS)
    head = []
    head.append(f"{rng.choice(SUBJECTS)}：")
    head.append(
        f"为深入贯彻落实《中华人民共和国政府信息公开条例》和国务院办公厅关于全面推进政务公开工作的"
        f"部署要求，进一步{rng.choice(VERB1)}{area}工作，{rng.choice(PURPOSES)}，"
        f"经市政府同意，结合我市实际，现就有关事项{'通知如下' if genre == '通知' else '提出如下意见'}。")
    head.append("## 一、总体要求")
    head.append(paragraph(rng, 1, 3) + f"力争{rng.choice(GOALS)}。")
    head.append("## 二、主要任务")

    tail = []
    # a list, always
    items = rng.randint(3, 5)
    tail.append("重点做好以下工作：\n\n" + "\n".join(
        f"{i + 1}. {rng.choice(ACTIONS)}；" for i in range(items)))
    # sometimes a small table
    if rng.random() < 0.25:
        rows = ["| 序号 | 工作任务 | 责任单位 | 完成时限 |", "| --- | --- | --- | --- |"]
        for i in range(rng.randint(3, 6)):
            rows.append(f"| {i + 1} | {rng.choice(VERB1)}{rng.choice(OBJECTS)} | "
                        f"{rng.choice(LEADS)[:-4]} | {year}年{rng.choice([6, 9, 12])}月底前 |")
        tail.append("\n".join(rows))
    tail.append("## 三、保障措施")
    tail.append(rng.choice(GENERIC_SENTENCES) + rng.choice(GENERIC_SENTENCES))
    tail.append(f"本{genre if len(genre) <= 2 else '文件'}自印发之日起施行。")
    tail.append(f"{issuer}  \n{cn_date(written)}")

    size = sum(len(b.encode("utf-8")) + 2 for b in head + tail)
    tasks = []
    for k in range(len(ORDINAL)):
        heading = f"### （{ORDINAL[k]}）{rng.choice(VERB1)}{rng.choice(AREAS)}信息公开"
        para = task_paragraph(rng, year)
        add = len(heading.encode("utf-8")) + len(para.encode("utf-8")) + 4
        if k > 0 and size + add > target_bytes and size >= 1600:
            break
        tasks += [heading, para]
        size += add
    return "\n\n".join(head + tasks + tail) + "\n"


def interp_body(rng, policy_title_, issuer, form):
    blocks = []
    blocks.append(f"近日，{issuer}印发了《{policy_title_}》。为便于社会公众全面了解文件内容，现就有关情况解读如下。")
    blocks.append("## 一、出台背景")
    blocks.append(paragraph(rng, 2, 4))
    blocks.append("## 二、主要内容")
    for i in range(rng.randint(2, 4)):
        blocks.append(f"{i + 1}. {rng.choice(VERB1)}{rng.choice(OBJECTS)}。{sentence(rng)}")
    blocks.append("## 三、政策亮点")
    blocks.append(paragraph(rng, 2, 3))
    if form == "图解":
        blocks.append("（本解读另附图解材料，请以图解内容为准。）")
    elif form == "视频":
        blocks.append("（本解读另附视频材料，可在本页面观看。）")
    elif form == "访谈":
        blocks.append("（本解读根据在线访谈内容整理。）")
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------- writers

def q(s):
    """A TOML basic string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lit(s):
    """A TOML literal string (no escapes: used for 主题分类 with its backslash)."""
    assert "'" not in s and "\n" not in s
    return "'" + s + "'"


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


SITE_CONFIG = f"""[site]
title = "信阳市人民政府"
base_url = "{BASE_URL}"
language = "zh-CN"
host = "信阳市人民政府办公室"
site_code = "4115000001"
icp = "豫ICP备05017362号"
police_record = "豫公网安备41150202000001号"
phone = "0376-6201234"
address = "信阳市新七大道"
org_code = "{ORG_CODE}"

[build]
output = "public"
"""

GUIDE = """+++
title = "信阳市人民政府信息公开指南"
slug = "guide"
+++

为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。

## 一、主动公开

### （一）公开范围

本机关主动公开的政府信息包括：机构职能、规范性文件、规划计划、财政预决算、行政许可、行政处罚、重大建设项目、社会公益事业等信息。

### （二）公开方式

主动公开的政府信息通过政府门户网站、政府公报、新闻发布会以及报刊、广播、电视等途径予以公开。

### （三）公开时限

属于主动公开范围的政府信息，自该信息形成或者变更之日起二十个工作日内予以公开。

## 二、依申请公开

公民、法人或者其他组织申请获取政府信息的，可以通过在线申请、信函申请、当面申请等方式向本机关提出。本机关收到申请后，能够当场答复的当场予以答复；不能当场答复的，自收到申请之日起二十个工作日内予以答复。

## 三、工作机构

- 名称：信阳市人民政府办公室政府信息与政务公开科
- 办公地址：信阳市新七大道
- 办公时间：工作日上午八时至十二时，下午三时至六时
- 联系电话：0376-6201234
- 传真号码：0376-6201235

## 四、监督方式

公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。
"""


def power_ledger(rng):
    out = ["[list]", 'title = "信阳市市级行政权力清单"', 'kind = "power"',
           'department = "信阳市人民政府办公室"', "updated = 2025-06-30", ""]
    counters = {}
    for _ in range(POWER_ROWS):
        ptype, letters, templates = POWER_TYPES[rng.randrange(len(POWER_TYPES))]
        counters[letters] = counters.get(letters, 0) + 1
        code = f"411500-{letters}-{counters[letters]:05d}"
        name = rng.choice(templates).format(x=rng.choice(POWER_OBJECTS))
        law = rng.choice(LAWS)
        basis = f"{law}第{rng.randint(2, 120)}条"
        if rng.random() < 0.4:
            basis += f"；{rng.choice(LAWS)}第{rng.randint(2, 80)}条"
        subject = ISSUERS[rng.randrange(2, len(ISSUERS))][0]
        out.append("[[items]]")
        out.append(f"code = {q(code)}")
        out.append(f"name = {q(name)}")
        out.append(f"type = {q(ptype)}")
        out.append(f"basis = {q(basis)}")
        out.append(f"subject = {q(subject)}")
        out.append("")
    return "\n".join(out)


def copy_hugo_skeleton(outdir):
    here = os.path.dirname(os.path.abspath(__file__))
    src = os.path.join(here, "hugo")
    shutil.copyfile(os.path.join(src, "config.toml"), os.path.join(outdir, "config.toml"))
    dst_layouts = os.path.join(outdir, "layouts")
    if os.path.exists(dst_layouts):
        shutil.rmtree(dst_layouts)
    shutil.copytree(os.path.join(src, "layouts"), dst_layouts)
    dst_static = os.path.join(outdir, "static")
    if os.path.exists(dst_static):
        shutil.rmtree(dst_static)
    shutil.copytree(os.path.join(src, "static"), dst_static)


HUGO_POWER_PAGE = """+++
title = "信阳市市级行政权力清单"
layout = "power"
+++
"""


def generate(n, outdir, hugo=False):
    rng = random.Random(SEED)
    content = os.path.join(outdir, "content")
    for sub in ("policies", "interpretations"):
        for y in YEARS:
            os.makedirs(os.path.join(content, sub, str(y)), exist_ok=True)
    os.makedirs(os.path.join(content, "lists"), exist_ok=True)
    os.makedirs(os.path.join(content, "pages"), exist_ok=True)

    if hugo:
        copy_hugo_skeleton(outdir)
        os.makedirs(os.path.join(outdir, "data"), exist_ok=True)
    else:
        write(os.path.join(outdir, "site-config.toml"), SITE_CONFIG)

    # which policies get an interpretation: N/5 distinct ones, numbered in policy order
    m = n // 5
    interpreted = sorted(rng.sample(range(1, n + 1), m)) if m else []
    interp_no = {p: j + 1 for j, p in enumerate(interpreted)}

    cap_changed = dt.date(2025, 10, 31)
    total_bytes = 0
    for i in range(1, n + 1):
        year = rng.choice(YEARS)
        written = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 352))  # <= Dec 19
        published = written + dt.timedelta(days=rng.randint(1, 10))
        issuer, daizi = ISSUERS[rng.randrange(len(ISSUERS))]
        genre = rng.choices(GENRE_POP, GENRE_W)[0]
        topic = TOPICS[rng.randrange(len(TOPICS))]
        category = CATEGORIES[rng.randrange(len(CATEGORIES))]
        doc_type = rng.choices(DOC_TYPE_POP, DOC_TYPE_W)[0]
        has_doc_no = rng.random() < 0.9
        doc_no = f"{daizi}〔{year}〕{rng.randint(1, 300)}号"
        repealed = rng.random() < 0.05
        changed = published + dt.timedelta(days=rng.randint(30, 1500))
        if changed > cap_changed:
            repealed = False
        title = policy_title(rng, issuer, genre, year)
        # whole file 2-6 KB: the front matter weighs about 500 bytes
        target = rng.randint(2000, 6000) - 500
        body = policy_body(rng, title, issuer, genre, year, written, target)
        index_no = f"{ORG_CODE}/{year}-{i:06d}"

        fm = ["+++",
              f"title = {q(title)}",
              f"index_no = {q(index_no)}"]
        if has_doc_no:
            fm.append(f"doc_no = {q(doc_no)}")
        fm += [f"issuer = {q(issuer)}",
               f"written = {written.isoformat()}",
               f"published = {published.isoformat()}",
               f"topic = {lit(topic)}",
               f"genre = {q(genre)}",
               f"category = {q(category)}",
               'disclosure = "主动公开"',
               f"doc_type = {q(doc_type)}"]
        if repealed:
            fm += ['validity = "已废止"', f"validity_changed = {changed.isoformat()}"]
        else:
            fm.append('validity = "现行有效"')
        j = interp_no.get(i)
        if hugo:
            fm += [f"date = {published.isoformat()}",
                   f"issuers = [{q(issuer)}]",
                   f"topics = [{lit(topic)}]",
                   f'years = ["{year}"]']
            if j:
                fm.append(f'interpretations = ["/interpretations/{year}/j{j:06d}"]')
        fm.append("+++")
        text = "\n".join(fm) + "\n\n" + body
        write(os.path.join(content, "policies", str(year), f"p{i:06d}.md"), text)
        total_bytes += len(text.encode("utf-8"))

        if j:
            form = rng.choices(INTERP_FORM_POP, INTERP_FORM_W)[0]
            ibody = interp_body(rng, title, issuer, form)
            prefix = {"文字": "", "图解": "图解：", "视频": "视频解读：", "访谈": "访谈实录："}[form]
            ifm = ["+++",
                   f"title = {q(prefix + '《' + title + '》政策解读')}",
                   f"interprets = [{q(index_no)}]",
                   f"published = {published.isoformat()}",
                   f"form = {q(form)}",
                   f"interpreter = {q(issuer)}"]
            if hugo:
                ifm += [f"date = {published.isoformat()}",
                        f'policy = "/policies/{year}/p{i:06d}"']
            ifm.append("+++")
            write(os.path.join(content, "interpretations", str(year), f"j{j:06d}.md"),
                  "\n".join(ifm) + "\n\n" + ibody)

    ledger = power_ledger(rng)
    if hugo:
        write(os.path.join(outdir, "data", "power.toml"), ledger)
        write(os.path.join(content, "lists", "power.md"), HUGO_POWER_PAGE)
    else:
        write(os.path.join(content, "lists", "power.toml"), ledger)
    write(os.path.join(content, "pages", "guide.md"), GUIDE)
    if not hugo:
        os.makedirs(os.path.join(content, "reports"), exist_ok=True)
        for y in YEARS:
            write(os.path.join(content, "reports", f"{y}.toml"), f"year = {y}\n")
    return total_bytes


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    flags = [a for a in argv if a.startswith("--")]
    unknown = [f for f in flags if f != "--hugo"]
    if len(args) != 2 or unknown or not args[0].isdigit():
        sys.stderr.write("usage: gen_corpus.py N OUTDIR [--hugo]\n")
        return 2
    n = int(args[0])
    outdir = args[1]
    if os.path.exists(os.path.join(outdir, "content")):
        shutil.rmtree(os.path.join(outdir, "content"))
    os.makedirs(outdir, exist_ok=True)
    generate(n, outdir, hugo="--hugo" in flags)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
