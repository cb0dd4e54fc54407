"""Write tests/cases/boilerplate/synthetic.json: labelled pages for the boilerplate step.

Each page is a site template (header and footer the way a kind of site prints them: provincial
education department, city and county bureaus, news portals, an education news site, school and
university sites, a training-ad site, a government information-disclosure page, a WeChat
repost) wrapped around an article body (news, notice with signature, plan with numbered
headings, interview, speech, school news with photo captions, …). The labels come from the
construction: every template line is boilerplate (or metadata), every body line is body, so the
expected output and metadata are known without running the step. Pages come in simplified and
traditional script (OpenCC s2t, s2hk, s2tw, converted line by line), some with full-width
punctuation folded to ASCII (`来源:`), with or without blank lines and U+3000 indentation.

Usage: PYTHONPATH=src python tools/gen_boilerplate_pages.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from educorpus.cleaners.boilerplate import drop_spans  # noqa: E402
from educorpus.document import apply_spans  # noqa: E402

OUT = ROOT / "tests" / "cases" / "boilerplate" / "synthetic.json"

# ---------------------------------------------------------------------------------------------
# article bodies: (kind, title, lines); every line is body

BODIES = [
    ("school news", "乳山市实验小学举行第十届读书节启动仪式", [
        "近日，乳山市实验小学举行“阅读点亮童年”读书节启动仪式，全校1200余名师生参加活动。",
        "活动现场，学生代表分享了自己的读书心得，来源于一线教师的经验交流也引起了家长们的共鸣。",
        "据了解，该校近年来持续推进书香校园建设，累计投入80余万元更新图书馆藏书，生均藏书达到45册。",
        "“读书让孩子们的眼界更开阔了。”四年级班主任王老师说，班级图书角每周都会更新书目。",
        "下一步，学校将继续开展亲子共读、经典诵读等系列活动，让阅读成为师生的生活方式。",
    ]),
    ("notice with signature", "关于做好2024年普通高中招生工作的通知", [
        "各区县教育局，市直各学校：",
        "为做好2024年普通高中招生工作，根据省教育厅有关文件精神，现就有关事项通知如下。",
        "一、招生计划",
        "全市普通高中计划招生12800人，其中公办学校10500人，民办学校2300人。",
        "二、报名时间",
        "报名时间为2024年6月10日至6月15日，考生通过市招生考试平台网上报名。",
        "三、工作要求",
        "各单位要高度重视，加强政策宣传解读，确保招生工作公平公正。监督举报电话：0631-5212345。",
        "附件：2024年普通高中招生计划表",
        "威海市教育局",
        "2024年5月28日",
    ]),
    ("plan with numbered headings", "全市学前教育普及普惠三年行动方案", [
        "为进一步扩大普惠性学前教育资源供给，提高保教质量，结合我市实际，制定本方案。",
        "一、总体目标",
        "到2026年，全市学前三年毛入园率达到98%以上，普惠性幼儿园覆盖率达到92%以上。",
        "二、重点任务",
        "（一）扩大普惠资源。新建、改扩建公办幼儿园30所，新增学位5400个。",
        "（二）加强队伍建设。按标准配齐配足幼儿园教职工，每年培训园长和骨干教师600人次。",
        "（三）提升保教质量。推进幼小科学衔接，坚决纠正“小学化”倾向。",
        "三、保障措施",
        "各区县要将学前教育纳入经济社会发展规划，落实财政投入责任，确保各项任务按期完成。",
    ]),
    ("interview", "访谈：办好家门口的每一所学校", [
        "记者从市教育局获悉，今年全市将新建改扩建中小学12所。围绕这一话题，记者采访了市教育局局长李明。",
        "问：今年在扩大优质教育资源方面有哪些举措？",
        "答：我们将继续推进集团化办学，新组建教育集团8个，让更多孩子在家门口上好学。",
        "问：教师队伍建设方面有什么新变化？",
        "答：今年将招聘新教师600名，并深化“县管校聘”改革，推动城乡教师交流轮岗。",
        "问：如何落实“双减”政策？",
        "答：我们将持续提升课后服务质量，推广分层作业和弹性作业，切实减轻学生负担。",
    ]),
    ("speech with two-clause headings", "在全市教育工作会议上的讲话", [
        "同志们：",
        "这次会议的主要任务是，总结去年全市教育工作，部署今年重点任务。",
        "坚持立德树人，培养时代新人",
        "我们要把思想政治工作贯穿教育教学全过程，推进大中小学思政课一体化建设，办好人民满意的教育。",
        "深化综合改革，激发办学活力",
        "要深入推进教育评价改革，扩大学校办学自主权，鼓励基层学校大胆探索、创新实践。",
        "建强教师队伍，夯实发展根基",
        "要加强师德师风建设，完善教师激励机制，让广大教师安心从教、热心从教。",
        "谢谢大家！",
    ]),
    ("school news with captions", "我校举办第五届校园科技节", [
        "4月18日，我校第五届校园科技节开幕，活动为期一周，共设置科普展览、创意制作等六大板块。",
        "搭建展示平台，激发创新活力",
        "开幕式上，学生们展示了自主设计的机器人、航模等作品，吸引了众多家长驻足观看。",
        "[caption]图为学生在科技节上展示自制机器人。",
        "深化课程融合，培育科学素养",
        "学校将科技教育融入课程体系，开设编程、创客等校本课程，每周安排两课时实践活动。",
        "[caption]学生在创客教室进行编程实践",
        "下一步，学校将继续完善科技教育课程体系，为学生的全面发展搭建更广阔的舞台。",
    ]),
    ("short news with reporter", "全市中小学开展防溺水安全教育", [
        "连日来，全市中小学校通过主题班会、致家长一封信、安全演练等形式，开展防溺水安全教育活动。",
        "各学校还组织教师开展家访，向家长宣传防溺水知识，签订安全责任书，织密学生安全防护网。",
        "[meta](记者 王海燕 通讯员 刘洋)",
    ]),
    ("policy interpretation", "《义务教育课程方案》政策问答", [
        "为帮助广大教师准确理解新修订的义务教育课程方案，现将有关问题解答如下。",
        "相关政策解读",
        "新方案在课程设置上有哪些变化？劳动、信息科技从综合实践活动中独立出来，形成独立课程。",
        "编辑部的同志在整理读者来信时发现，家长最关心的是课时安排是否会增加。",
        "新方案明确，九年总课时保持9522节不变，各地不得随意增加课时。",
        "关于印发《义务教育课程方案和课程标准（2022年版）》的通知",
    ]),
    ("list announcement", "2024年度市级文明校园名单公示", [
        "根据市级文明校园评选办法，经学校申报、区县推荐、实地考察，拟命名以下学校为2024年度市级文明校园，现予以公示。",
        "乳山市第一实验小学",
        "乳山市府前路学校",
        "乳山市第二中学",
        "乳山市育黎镇中心幼儿园",
        "公示期为2024年12月2日至12月8日。公示期间如有异议，请向市文明办反映。",
        "联系电话：0631-6651234",
    ]),
    ("university news", "我校在全国大学生数学建模竞赛中获佳绩", [
        "近日，2024年全国大学生数学建模竞赛评审结果揭晓，我校学生团队获得国家一等奖2项、二等奖5项。",
        "本届竞赛共有来自全国1600余所高校的5.9万个队伍参赛，是历届规模最大的一次。",
        "学校高度重视学科竞赛工作，组建了由12名教师组成的指导团队，分享了多年积累的办学经验。",
        "今后，学校将进一步加强版权意识教育和学术规范教育，营造良好的创新氛围。",
    ]),
    ("exam notice with time lines", "关于2024年上半年中小学教师资格考试笔试的公告", [
        "2024年上半年中小学教师资格考试笔试将于3月9日举行，现将有关事项公告如下。",
        "一、报名时间",
        "2024年1月12日至1月15日，考生登录中小学教师资格考试网报名。",
        "二、考试时间",
        "笔试时间：2024年3月9日",
        "三、注意事项",
        "考生须携带准考证和有效身份证件参加考试，考试开始30分钟后不得入场。",
    ]),
    ("research news", "核心素养导向的课堂教学改革研讨会举行", [
        "11月5日，核心素养导向的课堂教学改革研讨会在市教育科学研究院举行，来自全市的200余名教师参加。",
        "会上，6位教师执教了研究课，专家从教学目标、学习任务设计等方面进行了点评。",
        "与会教师表示，这次研讨会上分享的课例来源于真实课堂，对改进日常教学很有帮助。",
        "据悉，市教科院将每学期举办一次课堂教学改革研讨活动，推动研究成果转化为教学实践。",
    ]),
]

# ---------------------------------------------------------------------------------------------
# site templates: header lines, meta line(s), footer lines; "{title}" is the title line


def t_province(title, m):
    head = ["山东省教育厅", "首页 | 机构概况 | 新闻中心 | 政务公开 | 办事服务 | 互动交流", "当前位置：首页 > 新闻中心 > 工作动态",
            ("title", title), f"发布日期：{m['date']}  来源：{m['source']}  浏览次数：1234", "【字体：大 中 小】【打印本页】【关闭窗口】"]
    foot = ["【打印本页】【关闭窗口】", "上一篇：关于公布2024年全省中小学优秀课例的通知", "下一篇：全省职业教育工作会议在济南召开",
            "主办单位：山东省教育厅  承办单位：山东省教育厅信息中心", "地址：济南市历下区文化东路29号  邮编：250011  联系电话：0531-81676800",
            "网站标识码：3700000052  鲁ICP备05023386号  鲁公网安备 37010202000555号"]
    return head, foot, {"published": m["date"], "source": m["source"], "author": None, "editor": None}


def t_city(title, m):
    head = ["乳山市教育和体育局", "您的位置：首页 > 教育动态", ("title", title),
            f"作者：{m['author']}  来源：{m['source']}  发布时间：{m['datetime']}  点击数：356"]
    foot = ["分享到：微信 微博 QQ空间", "扫一扫在手机打开当前页", "版权所有：乳山市教育和体育局  技术支持：乳山市大数据中心"]
    return head, foot, {"published": m["datetime"], "source": m["source"], "author": m["author"], "editor": None}


def t_portal(title, m):
    head = [f"{title}-新华网", ("title", title), f"{m['datetime']}:26", f"来源：{m['source']}"]
    foot = [f"【纠错】 责任编辑：{m['editor']}", "相关新闻", "教育部：2024年全国高考报名人数达1342万", "多地出台措施推进义务教育优质均衡发展"]
    return head, foot, {"published": m["datetime"] + ":26", "source": m["source"], "author": None, "editor": m["editor"]}


def t_edunews(title, m):
    head = [f"{title}_中国教育在线", "中国教育在线 > 基础教育 > 新闻资讯", ("title", title),
            f"{m['datetime']}:00 来源：{m['source']} 作者：{m['author']}", "A+ A-"]
    foot = [f"（责任编辑：{m['editor']}）", "相关阅读", "推荐阅读", "热点新闻",
            "免责声明：本网转载作品的目的在于传递更多信息，并不代表本网赞同其观点和对其真实性负责。",
            "Copyright © 2000-2024 eol.cn All Rights Reserved"]
    return head, foot, {"published": m["datetime"] + ":00", "source": m["source"], "author": m["author"], "editor": m["editor"]}


def t_school(title, m):
    head = ["乳山市第一实验小学", "网站首页 学校概况 校园新闻 教学科研 德育天地 家校共育", ("title", title),
            f"发表时间：{m['date']}   作者：{m['author']}   阅读：88次"]
    foot = [f"文/{m['author']}  图/{m['photo']}", f"审核：{m['reviewer']}", "上一篇：我校开展防溺水安全教育活动",
            "下一篇：我校举行春季田径运动会", "联系地址：乳山市胜利街18号  联系电话：0631-6651234",
            "Copyright © 2024 乳山市第一实验小学 版权所有"]
    return head, foot, {"published": m["date"], "source": None, "author": m["author"], "editor": None}


def t_wechat(title, m):
    head = [("title", title), f"原标题：{title}（转）", f"{m['datetime']}  来源：{m['source']}公众号"]
    foot = [f"来源：{m['source']}", f"编辑：{m['editor']}", f"声明：本文转载自{m['source']}，版权归原作者所有，如有侵权请联系删除。",
            "网友评论", "文明上网，理性发言", "登录 | 注册"]
    return head, foot, {"published": m["datetime"], "source": m["source"] + "公众号", "author": None, "editor": m["editor"]}


def t_training(title, m):
    head = ["环球网校是美国纳斯达克上市企业欢聚时代(NASDAQ:YY)旗下品牌 | 住房和城乡建设部 建筑人才培训合作单位",
            "您现在的位置在: > 教师资格 > 考试动态 >", ("title", title), f"{m['date']} 来源:网络 作者:佚名"]
    foot = ["责编:admin 返回顶部\u00a0\u00a0打印", "关于我们联系我们友情链接网站声明网站地图广告服务帮助中心"]
    return head, foot, {"published": m["date"], "source": None, "author": None, "editor": None}


def t_govinfo(title, m):
    head = ["威海市人民政府", "政府信息公开", "索引号：11371000004xxxx/2024-00123   主题分类：教育",
            f"发文机关：威海市教育局   发布日期：{m['date_cn']}", "发文字号：威教发〔2024〕12号", ("title", title)]
    foot = ["扫一扫在手机打开当前页", "【打印】【关闭】", "主办：威海市人民政府办公室  承办：威海市大数据中心",
            "网站标识码：3710000001  鲁ICP备05000286号"]
    return head, foot, {"published": m["date"], "source": None, "author": None, "editor": None}


def t_university(title, m):
    head = ["首页 > 学校要闻 > 正文", ("title", title),
            f"[发布时间：{m['date']}] [来源：{m['source']}] [作者：{m['author']}] [点击：523]"]
    foot = [f"（摄影：{m['photo']}  编辑：{m['editor']}  审核：{m['reviewer']}）", "上一条：我校召开2024年本科教学工作会议",
            "下一条：我校获批3个国家级一流本科专业建设点", "山东大学党委宣传部主办 版权所有 ©山东大学", "地址：济南市山大南路27号 邮编：250100"]
    return head, foot, {"published": m["date"], "source": m["source"], "author": m["author"], "editor": m["editor"]}


def t_county(title, m):
    head = ["乳山市融媒体中心", "首页 新闻 政务 民生 教育 文旅", ("title", title),
            f"来源：{m['source']}  作者：{m['author']}  编辑：{m['editor']}  {m['datetime_cn']}"]
    foot = ["点赞(12)  评论  转发", "热点推荐", "乳山市举办2024年春季人才招聘会", "乳山市启动全民阅读月活动", "网友评论", "已有0条评论",
            "用户名： 密码： 验证码："]
    return head, foot, {"published": m["datetime"], "source": m["source"], "author": m["author"], "editor": m["editor"]}


def t_daily(title, m):
    head = ["大众网", "首页 > 教育 > 正文", ("title", title), f"原标题：{title}", f"来源：大众日报  {m['datetime']}"]
    foot = [f"责任编辑：{m['editor']}", "初审：张华", "终审：刘强", "延伸阅读", "山东省召开全省基础教育工作会议",
            "本网站所有内容属大众网版权所有，未经授权禁止转载。", "违法和不良信息举报电话：0531-85193202"]
    return head, foot, {"published": m["datetime"], "source": "大众日报", "author": None, "editor": m["editor"]}


def t_bare(title, m):
    # a page with nothing but a breadcrumb and a footer: no metadata line, so the title stays
    head = ["首页 > 通知公告", ("body", title)]
    foot = ["【关闭窗口】", "Copyright © 2024 乳山市教育和体育局"]
    return head, foot, {"published": None, "source": None, "author": None, "editor": None, "title": None}


TEMPLATES = [t_province, t_city, t_portal, t_edunews, t_school, t_wechat, t_training, t_govinfo, t_university, t_county, t_daily, t_bare]

PEOPLE = [("徐明", "王骄", "周玉森", "李娜"), ("张洁", "刘伟", "赵刚", "孙丽"), ("陈晨", "杨帆", "马超", "高远"), ("王芳", "李强", "郑磊", "何静")]
SOURCES = ["山东教育新闻网", "威海日报", "乳山市教育和体育局", "中国教育报", "大众日报", "齐鲁晚报"]
DATES = [("2024-05-21", "15:56"), ("2024-03-12", "09:30"), ("2024-10-17", "15:21"), ("2023-11-05", "08:05"), ("2024-01-08", "17:40")]

CONVERTERS = {"s2t": opencc.OpenCC("s2t"), "s2hk": opencc.OpenCC("s2hk"), "s2tw": opencc.OpenCC("s2tw")}
ASCII_FOLD = str.maketrans({"：": ":", "，": ",", "（": "(", "）": ")", "！": "!", "？": "?", "；": ";"})


def build(k: int) -> dict:
    kind, title, body = BODIES[k % len(BODIES)]
    template = TEMPLATES[(k * 5 + k // len(BODIES)) % len(TEMPLATES)]
    author, editor, reviewer, photo = PEOPLE[k % len(PEOPLE)]
    d, hm = DATES[k % len(DATES)]
    y, mo, da = d.split("-")
    m = {
        "date": d, "datetime": f"{d} {hm}", "date_cn": f"{y}年{mo}月{da}日", "datetime_cn": f"{y}年{mo}月{da}日 {hm}",
        "source": SOURCES[k % len(SOURCES)], "author": author, "editor": editor, "reviewer": reviewer, "photo": photo,
    }
    head, foot, meta = template(title, m)
    meta = {"title": title, **meta}
    if meta["author"] is None and any(b.startswith("[meta](记者") for b in body):
        meta["author"] = "王海燕"  # no byline: the reporter is the author
    if meta["published"] and " " in meta["published"]:
        meta["published"] = meta["published"].replace(" ", "T")
    variant = ("simplified", "s2t", "s2hk", "simplified-ascii", "s2tw", "simplified")[k % 6]
    blank = k % 3 != 2  # most pages separate lines with blank lines
    indent = "\u3000\u3000" if k % 4 == 1 else ("  " if k % 4 == 3 else "")

    lines: list[tuple[str, bool]] = []  # (line, is body)
    for h in head:
        if isinstance(h, tuple):
            lines.append((h[1], h[0] == "body"))
        else:
            lines.append((h, False))
    for b in body:
        if b.startswith("[caption]"):
            lines.append((indent + b[len("[caption]"):], False))
        elif b.startswith("[meta]"):
            lines.append((b[len("[meta]"):], False))
        else:
            lines.append((indent + b, True))
    lines += [(f, False) for f in foot]

    def convert(s: str) -> str:
        if variant in CONVERTERS:
            s = CONVERTERS[variant].convert(s)
        if variant.endswith("ascii"):
            s = s.translate(ASCII_FOLD)
        return s

    lines = [(convert(s), b) for s, b in lines]
    meta = {key: (convert(v) if isinstance(v, str) and key != "published" else v) for key, v in meta.items()}
    sep = "\n\n" if blank else "\n"
    text = sep.join(s for s, _ in lines)
    # expected output: the page without its non-body lines (line numbers in text.split("\n"))
    numbers = []
    n = 0
    for s, b in lines:
        numbers.append((n, b))
        n += 2 if blank else 1
    drops = {i: "x" for i, b in numbers if not b}
    expected = apply_spans(text, drop_spans(text, drops))
    site = template.__name__[2:]
    return {
        "label": f"{site} page, {kind}, {variant}{'' if blank else ', no blank lines'}",
        "input": text,
        "expected": expected,
        "meta": meta,
    }




# ---------------------------------------------------------------------------------------------
# hand-written pages: each line marked B| (body) or X| (boilerplate); meta as stated on the page

HANDWRITTEN = [
    ("province page with an information-disclosure table and attachments, traditional", "s2t", True, {
        "title": "关于开展2024年中小学教师信息技术应用能力提升培训的通知", "published": "2024-04-02",
        "source": None, "author": None, "editor": None}, """
X|山东省教育厅
X|首页 > 政务公开 > 通知公告
X|索引号：11370000004182227X/2024-00098
X|发布机构：山东省教育厅
X|发布日期：2024-04-02
X|名称：关于开展2024年中小学教师信息技术应用能力提升培训的通知
X|关于开展2024年中小学教师信息技术应用能力提升培训的通知
B|各市教育（教体）局：
B|为贯彻落实教育数字化战略行动，提升教师信息技术应用能力，经研究，决定开展2024年中小学教师信息技术应用能力提升培训。现将有关事项通知如下。
B|一、培训对象
B|全省中小学（含中等职业学校）专任教师，重点面向乡村学校教师。
B|二、培训内容
B|人工智能助推教师队伍建设、数字化教学资源开发与应用等。
B|附件：1.培训课程安排表
B|2.参训人员汇总表
B|山东省教育厅
B|2024年4月2日
X|【打印本页】 【关闭窗口】
X|主办：山东省教育厅  网站标识码：3700000052
X|鲁ICP备05023386号-1  鲁公网安备37010202000555号
"""),
    ("news page whose related list has teasers with summaries", "simplified", True, {
        "title": "威海市启动义务教育阶段学校招生工作", "published": "2024-06-03T10:20",
        "source": "威海新闻网", "author": "李晓", "editor": "孙悦"}, """
X|威海新闻网
X|首页 > 教育频道 > 正文
X|威海市启动义务教育阶段学校招生工作
X|2024-06-03 10:20  来源：威海新闻网  作者：李晓
B|6月3日，威海市教育局发布2024年义务教育阶段学校招生工作意见，全市义务教育阶段学校招生工作全面启动。
B|今年，全市继续实行免试就近入学，公办学校和民办学校同步招生，严禁以任何形式的考试选拔学生。
B|对符合条件的随迁子女，各区市将统筹安排到公办学校就读，保障其平等接受义务教育的权利。
B|据介绍，今年全市预计小学一年级招生3.2万人，初中一年级招生3.0万人，学位供给总体充足。
X|编辑：孙悦
X|相关新闻
X|乳山市发布2024年小学招生划片范围。乳山市教育和体育局近日公布了城区小学招生片区，家长可登录平台查询。
X|荣成市新建两所小学秋季投入使用。两所学校共新增学位2700个，将有效缓解城区入学压力。
"""),
    ("bureau page with a welcome banner and date bar above the title", "simplified", True, {
        "title": "乳山市召开2024年全市教育工作会议", "published": "2024-02-26",
        "source": "乳山市教育和体育局", "author": None, "editor": None}, """
X|欢迎访问乳山市教育和体育局网站！
X|今天是2024年2月26日 星期一
X|首页 | 新闻动态 | 通知公告 | 政策法规 | 办事指南
X|乳山市召开2024年全市教育工作会议
X|发布时间：2024-02-26  信息来源：乳山市教育和体育局
B|2月26日，乳山市召开2024年全市教育工作会议，总结2023年全市教育工作，部署2024年重点任务。
B|会议指出，过去一年，全市教育系统坚持立德树人根本任务，教育教学质量稳步提升。
B|会议要求，新的一年要聚焦办好人民满意的教育，在扩优提质、队伍建设、安全稳定上持续用力。
X|【打印】【关闭】
"""),
    ("county news page with a comment section", "simplified", True, {
        "title": "文登区举办首届中小学生劳动技能大赛", "published": "2024-05-10T16:02",
        "source": "文登融媒", "author": "刘畅", "editor": None}, """
X|文登融媒
X|文登区举办首届中小学生劳动技能大赛
X|来源：文登融媒  作者：刘畅  2024-05-10 16:02
B|5月10日，文登区首届中小学生劳动技能大赛在区实验中学举行，全区32所学校的400余名学生参赛。
B|大赛设置整理收纳、家常菜制作、农作物种植等8个项目，全面检验学生的劳动技能和劳动素养。
B|近年来，文登区将劳动教育纳入人才培养全过程，建成校外劳动实践基地12处。
B|下一步，文登区将持续完善劳动教育课程体系，引导学生树立正确的劳动观念。
X|网友评论
X|网友8826：孩子们动手能力真强，这样的活动应该多办！
X|网友2471：支持劳动教育，希望每个学校都能开好劳动课。
X|已有2条评论
"""),
    ("school page with photo credits and captions", "simplified", True, {
        "title": "我校开展“学雷锋”志愿服务活动", "published": "2024-03-05",
        "source": None, "author": "孙丽", "editor": None}, """
X|乳山市府前路学校
X|首页 > 校园动态
X|我校开展“学雷锋”志愿服务活动
X|发布日期：2024-03-05　作者：孙丽
B|3月5日，在第61个“学雷锋纪念日”到来之际，我校组织师生开展“学雷锋”志愿服务活动。
X|（图片来源：乳山市府前路学校）
B|活动中，志愿者们走进社区，为老人打扫卫生、讲解防诈骗知识，受到居民的一致好评。
X|▲志愿者在社区清理小广告
B|学校还举行了“学雷锋”主题班会，引导学生从身边小事做起，争做新时代好少年。
X|学生在主题班会上发言（王磊 摄）
B|此次活动进一步弘扬了雷锋精神，营造了“人人争做志愿者”的良好氛围。
X|上一篇 我校举行2024年春季开学典礼
X|下一篇 我校召开家长委员会会议
"""),
    ("portal page with spam lines in the footer, no blank lines", "simplified", False, {
        "title": "高校毕业生就业服务月活动启动", "published": "2024-03-01T09:00",
        "source": "中国教育新闻网", "author": None, "editor": "王婷"}, """
X|高校毕业生就业服务月活动启动 - 中国教育新闻网
X|高校毕业生就业服务月活动启动
X|发布时间：2024-03-01 09:00  来源：中国教育新闻网
B|3月1日，2024年高校毕业生就业服务月活动在全国启动，各地将举办线上线下招聘会2万余场。
B|活动期间，各级人社部门和高校将集中开展岗位推送、就业指导、困难帮扶等服务。
B|教育部有关负责人表示，要千方百计拓宽就业渠道，努力促进高校毕业生高质量充分就业。
X|责任编辑：王婷
X|澳门新葡京娱乐官网注册送38元彩金
X|济南男科医院哪家好
X|京ICP备10030018号-2
"""),
    ("page whose first line is a CMS template error", "simplified", True, {
        "title": "荣成市教育系统开展师德师风专题培训", "published": "2024-08-20",
        "source": "荣成市教育和体育局", "author": None, "editor": None}, """
X|{dede:global.cfg_webname/}
X|荣成市教育系统开展师德师风专题培训
X|日期：2024-08-20  来源：荣成市教育和体育局
B|8月20日，荣成市教育系统2024年师德师风专题培训班开班，全市中小学校长、骨干教师300余人参加培训。
B|培训采取专题讲座、案例研讨、现场教学相结合的方式，引导教师坚守教书育人初心。
B|参训教师纷纷表示，要以德立身、以德立学、以德施教，做学生成长的引路人。
X|Warning: mysql_connect(): Access denied for user in /www/inc/conn.php on line 12
"""),
    ("Taiwan-script page with views counter and hashtags", "s2tw", True, {
        "title": "偏乡学校推动双语教学成效显著", "published": "2024-09-12T14:30",
        "source": "教育新闻中心", "author": "林家豪", "editor": None}, """
X|教育新闻中心
X|首页 > 焦点新闻
X|偏乡学校推动双语教学成效显著
X|发布时间：2024-09-12 14:30　浏览次数：2516
X|来源：教育新闻中心　作者：林家豪
B|偏乡学校推动双语教学已进入第三年，参与学校从12所增加到45所，学生英语听说能力明显提升。
B|教育部门表示，将持续补助外籍教师入班协同教学，并开发在地化教材，让偏乡孩子享有同等学习机会。
B|参与计划的教师指出，透过游戏化教学与生活情境对话，学生开口说英语的意愿大幅提高。
X|标签：双语教育 偏乡 教育资源
X|分享到：
X|返回顶部
"""),
    ("repost with a multi-line disclaimer and 返回搜狐", "simplified", True, {
        "title": "家长必看：孩子放暑假，这份安全提醒请收好", "published": "2024-07-06T18:22",
        "source": None, "author": None, "editor": "小新"}, """
X|家长必看：孩子放暑假，这份安全提醒请收好
X|2024-07-06 18:22
B|暑假来临，孩子们的户外活动增多，安全风险也随之增加，家长朋友们务必做好以下几点。
B|一是严防溺水。教育孩子不私自下水游泳，不到无安全设施、无救援人员的水域游泳。
B|二是注意交通安全。不乘坐无牌无证车辆，未满12周岁不骑自行车上路。
B|三是谨防网络诈骗。提醒孩子不轻信网上的“免费领皮肤”等信息，不随意扫码、转账。
X|返回搜狐，查看更多
X|责任编辑：小新
X|平台声明：该文观点仅代表作者本人，搜狐号系信息发布平台，搜狐仅提供信息存储空间服务。
X|阅读 (12345)
"""),
    ("speech page with two-clause headings and a numbered list", "simplified", True, {
        "title": "在2024年秋季开学典礼上的讲话", "published": "2024-09-01",
        "source": "乳山市第二中学", "author": None, "editor": None}, """
X|乳山市第二中学
X|在2024年秋季开学典礼上的讲话
X|发布时间：2024-09-01  来源：乳山市第二中学
B|亲爱的老师们、同学们：
B|大家上午好！金秋九月，我们迎来了新学期。在此，我代表学校向新同学表示热烈欢迎。
B|志存高远，做有梦想的人
B|希望同学们树立远大理想，把个人的成长与国家的发展紧密结合起来。
B|勤学善思，做有本领的人
B|新学期，学校将重点做好三件事：
B|1.推进课堂教学改革
B|2.开展社团活动
B|3.加强安全教育
B|希望同学们珍惜时光、刻苦学习，在新学期取得新的进步。谢谢大家！
X|【打印本页】 【关闭窗口】
"""),
    ("education bureau page, hk script, folded punctuation, no blank lines", "s2hk-ascii", False, {
        "title": "全市中小学体育课堂教学改革现场会召开", "published": "2024-11-15T11:08",
        "source": "市教育局", "author": "何静", "editor": "郑磊"}, """
X|全市中小学体育课堂教学改革现场会召开
X|发布时间：2024-11-15 11:08　来源：市教育局　作者：何静
X|【字体：大 中 小】
B|11月15日，全市中小学体育课堂教学改革现场会在市第一中学召开，各区县教研员和体育教师150余人参加。
B|与会人员观摩了篮球、排球、武术等项目的大单元教学展示课，并围绕“教会、勤练、常赛”开展研讨。
B|会议要求，各学校要开齐开足体育课，保证学生每天校园体育活动时间不少于2小时。
X|（编辑：郑磊）
X|扫一扫分享本页
X|版权所有：市教育局  Copyright © 2024 All Rights Reserved
"""),
    ("university page with bracketed metadata and a photo byline", "simplified", True, {
        "title": "学校召开2024年本科教学工作会议", "published": "2024-04-25",
        "source": "教务处", "author": "马超", "editor": "高远"}, """
X|首页 > 综合新闻 > 正文
X|学校召开2024年本科教学工作会议
X|【发布时间：2024-04-25】【来源：教务处】【作者：马超】【点击：1260】
B|4月25日，学校召开2024年本科教学工作会议，全面总结近年来本科教学工作，部署下一阶段重点任务。
B|会议指出，本科教育是大学的根和本，要坚持以学生为中心，全面提高人才培养能力。
B|会议强调，要深化课程体系改革，加强一流课程建设，推动信息技术与教育教学深度融合。
X|（摄影：孙丽  编辑：高远  审核：郑磊）
X|上一条：学校举行2024年田径运动会
X|下一条：学校获评省级文明校园
X|地址：青岛市崂山区松岭路99号  邮编：266100
X|版权所有 © 2024 青岛科技大学
"""),
    ("notice whose own time and place lines come before its first paragraph", "simplified", True, {
        "title": "关于召开全市中小学安全工作会议的通知", "published": "2024-03-04",
        "source": "市教育局", "author": None, "editor": None}, """
X|关于召开全市中小学安全工作会议的通知
X|发布时间：2024-03-04  来源：市教育局
B|各区县教育局，市直各学校：
B|时间：2024年3月8日上午9:00
B|地点：市教育局三楼会议室
B|经研究，决定召开全市中小学安全工作会议，总结2023年学校安全工作，部署2024年重点任务。请各单位分管负责同志按时参会。
B|威海市教育局
B|2024年3月4日
X|【打印本页】【关闭窗口】
"""),
]


def hand(label, variant, blank, meta, marked) -> dict:
    rows = [line for line in marked.strip("\n").split("\n")]
    lines = [(r[2:], r[0] == "B") for r in rows]
    conv = variant.split("-")[0]

    def convert(s: str) -> str:
        if conv in CONVERTERS:
            s = CONVERTERS[conv].convert(s)
        if variant.endswith("ascii"):
            s = s.translate(ASCII_FOLD)
        return s

    lines = [(convert(s), b) for s, b in lines]
    meta = {k: (convert(v) if isinstance(v, str) and k != "published" else v) for k, v in meta.items()}
    sep = "\n\n" if blank else "\n"
    text = sep.join(s for s, _ in lines)
    step = 2 if blank else 1
    drops = {n * step: "x" for n, (_, b) in enumerate(lines) if not b}
    return {"label": label, "input": text, "expected": apply_spans(text, drop_spans(text, drops)), "meta": meta}




# Written after the step was tuned on the pages above, and measured before any change made for
# them (see the report of issue 3); they stay here as ordinary labelled pages.
HELDOUT = [
    ("ministry page with an empty author field and related articles", "simplified", True, {
        "title": "教育部部署2024年中小学暑期安全工作", "published": "2024-07-05",
        "source": "教育部", "author": None, "editor": None}, """
X|中华人民共和国教育部政府门户网站
X|当前位置：首页 > 新闻 > 工作动态
X|教育部部署2024年中小学暑期安全工作
X|来源：教育部  |  作者：  |  发布时间：2024-07-05
B|近日，教育部印发通知，对2024年中小学暑期安全工作作出部署。
B|通知要求，各地要聚焦防溺水、交通安全、食品安全等重点领域，在放假前集中开展一次安全教育。
B|通知强调，要加强家校协同，通过家长会、告家长书等形式，提醒家长切实履行监护责任。
X|【打印】【关闭】
X|相关文章：
X|教育部召开2024年全国教育系统安全工作会议
X|主办单位：中华人民共和国教育部  版权所有
X|京ICP备10028400号  京公网安备11040102700080号
"""),
    ("people's daily style repost with 责编 in brackets", "simplified", True, {
        "title": "多地推进课后服务提质增效", "published": "2024-03-18T08:21",
        "source": "人民网－人民日报", "author": "张烁", "editor": "赵欣悦、杨虞波罗"}, """
X|多地推进课后服务提质增效--教育--人民网
X|多地推进课后服务提质增效
X|本报记者 张烁
X|2024年03月18日08:21  来源：人民网－人民日报
B|新学期以来，多地中小学在课后服务中引入科技、体育、艺术等特色课程，让学生在校园里“吃饱”“吃好”。
B|在北京市海淀区，不少学校与高校、科研院所合作，开设了人工智能、航天科普等课程。
B|专家表示，课后服务要坚持公益普惠原则，防止变相成为集体补课。
X|（责编：赵欣悦、杨虞波罗）
X|分享让更多人看到
X|推荐阅读
X|教育部：严禁以任何形式公布中高考“状元”
"""),
    ("school notice with attachments after the signature", "simplified", True, {
        "title": "关于2024年秋季学期开学有关事项的通知", "published": "2024-08-25",
        "source": None, "author": None, "editor": None}, """
X|乳山市第一中学
X|关于2024年秋季学期开学有关事项的通知
X|时间：2024-08-25　点击：1032次
B|各位家长、同学们：
B|根据上级教育部门工作安排，现将我校2024年秋季学期开学有关事项通知如下。
B|一、高一新生8月28日报到，高二、高三学生8月30日返校。
B|二、返校时请携带暑假作业，并做好个人物品整理。
B|乳山市第一中学
B|2024年8月25日
B|附件1：2024年秋季学期校历
B|附件2：新生报到须知
X|【关闭】
"""),
    ("kindergarten WeChat article with pipe bylines", "simplified", True, {
        "title": None, "published": None,
        "source": "乳山市实验幼儿园", "author": None, "editor": "王老师"}, """
X|点击上方蓝字关注我们
B|为了培养幼儿的社会责任感，5月20日，大班的小朋友们走进社区，开展“小小志愿者”活动。
B|孩子们给社区的爷爷奶奶送去了自己制作的贺卡，还表演了精心准备的儿歌。
B|活动结束后，孩子们说：“帮助别人，我们也很快乐！”
X|END
X|来源 | 乳山市实验幼儿园
X|编辑 | 王老师  审核 | 李园长
X|长按二维码关注我们
"""),
    ("Hong Kong script education news with corner quotes", "s2hk", True, {
        "title": "教育局推出「STEAM教育」教师培训计划", "published": "2024-09-20T12:00",
        "source": "教育局", "author": None, "editor": None}, """
X|教育局推出「STEAM教育」教师培训计划
X|2024年9月20日 12:00　来源：教育局
B|教育局今日宣布推出新一轮「STEAM教育」教师专业发展计划，预计三年内培训教师6000人次。
B|计划涵盖编程教育、人工智能及创客教学三大范畴，并邀请大学学者担任导师。
B|教育局发言人表示，将继续投放资源，支援学校推动创新科技教育。
X|分享至：
X|Facebook  WhatsApp  电邮
"""),
    ("page with a video block and its credit", "simplified", True, {
        "title": "我市举行中小学生诗词大会总决赛", "published": "2024-06-12T19:30",
        "source": "乳山融媒", "author": None, "editor": "孙悦"}, """
X|我市举行中小学生诗词大会总决赛
X|2024-06-12 19:30  来源：乳山融媒
B|6月12日，乳山市第三届中小学生诗词大会总决赛在市文化中心举行，经过初赛、复赛的层层选拔，20名选手进入决赛。
X|（视频来源：乳山融媒）
B|比赛设置了飞花令、看图猜诗、诗词接龙等环节，选手们沉着应战，展现了扎实的古诗词功底。
B|最终，乳山市实验小学的李雨桐获得小学组冠军，府前路学校的王子涵获得初中组冠军。
X|责任编辑：孙悦
"""),
    ("long policy page with 我要纠错 and mobile view line", "s2t", False, {
        "title": "乳山市推进县域普通高中发展提升行动实施方案", "published": "2024-04-10",
        "source": "乳山市教育和体育局", "author": None, "editor": None}, """
X|乳山市人民政府
X|首页 > 政务公开 > 政策文件
X|乳山市推进县域普通高中发展提升行动实施方案
X|发布日期：2024-04-10  信息来源：乳山市教育和体育局  字号：[ 大 中 小 ]
B|为深入实施县域普通高中发展提升行动计划，推动全市普通高中优质特色发展，制定本方案。
B|一、主要目标
B|到2025年，全市普通高中办学条件全面达标，教育质量明显提升，形成一批特色鲜明的优质高中。
B|二、重点任务
B|（一）改善办学条件。实施普通高中改扩建工程，新增学位1500个。
B|（二）加强教师队伍建设。每年引进优秀高校毕业生30名，开展骨干教师培训200人次。
B|（三）深化育人方式改革。全面实施新课程新教材，推进选课走班教学。
B|三、组织保障
B|各相关部门要按照职责分工，密切配合，确保各项任务落到实处。
X|扫一扫在手机打开当前页
X|【我要纠错】  【打印本页】  【关闭窗口】
"""),
    ("portal page with 本文来源 and an app prompt", "simplified", True, {
        "title": "高考志愿填报需注意哪些事项？专家支招", "published": "2024-06-25T07:45:00",
        "source": "中国青年报", "author": None, "editor": "刘洋"}, """
X|高考志愿填报需注意哪些事项？专家支招
X|2024-06-25 07:45:00
B|随着各地高考成绩陆续公布，志愿填报成为考生和家长关注的焦点。
B|专家提醒，考生要充分了解各高校的招生章程，重点关注专业要求、录取规则等内容。
B|此外，考生要警惕“志愿填报指导”骗局，通过官方渠道获取招生信息。
X|本文来源：中国青年报
X|【责任编辑：刘洋】
X|打开APP阅读更多精彩内容
"""),
    ("news whose body talks about clicks, sharing and copyright", "simplified", True, {
        "title": "我市开展网络素养进校园活动", "published": "2024-10-09",
        "source": "威海市教育局", "author": None, "editor": None}, """
X|我市开展网络素养进校园活动
X|发布时间：2024-10-09  来源：威海市教育局
B|10月9日，我市网络素养进校园活动在市实验中学启动，全市中小学生通过线上线下方式参加。
B|活动中，民警提醒同学们不要随意点击陌生链接，不在网上分享个人信息。
B|讲座还介绍了版权保护的基本知识，引导学生尊重原创、合理使用网络资源。
B|分享到朋友圈的内容也可能泄露隐私，同学们要养成良好的上网习惯。
X|【打印本页】
"""),
    ("university page with a numbered photo gallery", "simplified", True, {
        "title": "学校举行2024届毕业典礼", "published": "2024-06-20T10:15",
        "source": None, "author": None, "editor": None}, """
X|首页 > 图片新闻
X|学校举行2024届毕业典礼
X|发布者：宣传部  发布时间：2024-06-20 10:15  浏览次数：3021
B|6月20日，学校2024届毕业典礼暨学位授予仪式在体育馆隆重举行，5000余名毕业生参加典礼。
X|图1 毕业典礼现场
B|校长在致辞中勉励毕业生心怀“国之大者”，在服务国家和社会发展中实现人生价值。
X|图2 校长为毕业生拨穗
B|毕业生代表发言，表达了对母校和老师的感激之情。
"""),
    ("county recruitment notice with a flattened table", "simplified", True, {
        "title": "2024年乳山市公开招聘教师简章", "published": "2024-03-01",
        "source": "乳山市教育和体育局", "author": None, "editor": None}, """
X|乳山市教育和体育局
X|2024年乳山市公开招聘教师简章
X|发布日期：2024-03-01　来源：乳山市教育和体育局
B|根据工作需要，经研究决定，2024年乳山市公开招聘中小学教师50名。招聘岗位如下：
B|岗位名称
B|招聘人数
B|小学语文
B|15
B|初中数学
B|10
B|报名时间为3月10日至3月14日，报名方式为网上报名。咨询电话：0631-6651234。
X|上一篇：乳山市2024年教师资格认定公告
X|下一篇：乳山市中小学生体质健康监测结果公布
"""),
    ("page without blank lines, 时间 and 点击 in one line", "simplified", False, {
        "title": "乳山市举办中小学班主任基本功大赛", "published": "2024-05-06T09:12:45",
        "source": None, "author": None, "editor": None}, """
X|乳山市举办中小学班主任基本功大赛
X|时间：2024-05-06 09:12:45 来源：本站 点击：568次
B|5月6日，乳山市中小学班主任基本功大赛在市教研中心举行，来自全市的36名班主任参赛。
B|大赛设置育人故事、情景答辩、主题班会设计三个环节，全面考查班主任的专业素养。
B|经过激烈角逐，12名选手获一等奖。
X|打印此页 | 关闭窗口
"""),
]


# Photo pages whose captions stand on lines of their own, written for the photo-page caption
# rules (caption-before-heading, caption-long-label, caption-list-break): each page marks its
# photos, has two-clause headings and a caption the older rules find, and body lines that look like
# captions (a heading starting with a policy verb, a lead-in, label lines, a quote introduction,
# one-sentence paragraphs, a sentence continuing a list item) which stay.
PHOTO_PAGES = [
    ("photo page: a caption closing a section before the next heading goes; a verb-first heading and labels stay", "simplified", True, {
        "title": "我市深入推进集团化办学", "published": "2024-09-10",
        "source": "乳山市教育和体育局", "author": None, "editor": "孙悦"}, """
X|我市深入推进集团化办学
X|发布时间：2024-09-10  来源：乳山市教育和体育局
B|近年来，我市把集团化办学作为扩大优质教育资源的重要抓手，全市已组建教育集团12个，覆盖城乡中小学46所。
B|强化顶层设计，完善集团章程
B|市教育局出台《关于深化集团化办学改革的实施意见》，明确核心校与成员校的权责，建立集团理事会制度。
X|（资料图）
B|集团内城区学校带动乡村学校，教师每年交流轮岗比例不低于15%，乡村学校的教学质量明显提升。
X|打造“乳山一中教育集团”
B|推进资源共享，提升办学质量
B|集团内统一教学进度、统一教研活动、统一质量评价，优质课程资源在成员校之间共建共享。
X|府前路学校的学生在集团共享的创客教室上课
B|各集团每年组织骨干教师到成员校送教200余节，培训青年教师300人次。
B|加强教师队伍建设
B|全市新招聘教师优先补充到集团成员校，名师工作室实现集团全覆盖。
B|联系人：王老师　联系电话：0631-6651234
B|欢迎社会各界对集团化办学工作提出意见建议。
X|编辑：孙悦
"""),
    ("photo page, traditional: a sentence between items of a —— list goes; a continuing sentence stays", "s2t", True, {
        "title": "全市乡村教育振兴取得新成效", "published": "2024-11-02",
        "source": "威海日报", "author": None, "editor": None}, """
X|全市乡村教育振兴取得新成效
X|来源：威海日报  2024-11-02
B|今年以来，全市坚持城乡教育一体化发展，乡村教育振兴各项任务全面推进，乡村学校办学条件和教育质量持续提升。
B|改善办学条件，建设温馨校园
B|——乡村学校办学条件持续改善。全市投入资金2.6亿元，完成乡村学校校舍改造12万平方米，新建塑胶运动场28处，所有乡村学校实现教室多媒体设备全覆盖。
B|目前，全市已建成乡村温馨校园120所。
B|——乡村教师队伍不断壮大。全市新招聘乡村教师560名，落实乡村教师生活补助政策，城区学校每年选派300名骨干教师到乡村学校支教。
X|实验小学的学生在新建成的塑胶运动场上开展大课间活动
B|——乡村学校课程更加丰富。各乡村学校开齐开足国家课程，开发乡土特色校本课程210门，建成劳动教育实践基地36处。
X|文登区米山镇中心学校学生在劳动教育实践基地体验传统农耕。
B|——乡村学生成长环境更加温馨。全市寄宿制学校全部配齐生活老师，建成留守儿童之家95个，乡村学生的幸福感不断增强。
B|深化教育改革，激发办学活力
B|全市推行“县管校聘”改革，乡村学校教师职称评聘向一线倾斜，乡村教师的获得感明显提升。
B|全市共有2.3万名乡村学生参加了课后服务。
B|下一步，全市将持续推进乡村教育振兴，让每一个乡村孩子都能享有公平而有质量的教育。
X|（王磊 摄）
"""),
    ("photo page, hk script, folded punctuation, no blank lines: a topic:scene caption goes; a lead-in, labels and a quote introduction stay", "s2hk-ascii", False, {
        "title": "全市课后服务提质增效", "published": "2024-10-15T09:30",
        "source": "市教育局", "author": None, "editor": None}, """
X|全市课后服务提质增效
X|发布时间：2024-10-15 09:30　来源：市教育局
B|新学期以来，全市中小学持续推进课后服务提质增效，开设科技、体育、艺术等特色课程，满足学生多样化需求。
B|全市课后服务工作呈现三个特点
B|丰富课程内容，满足多样需求
B|各学校结合自身特色，开设课后服务课程1200余门，学生自主选课，参与率达到98%以上。
X|▲学生在课后服务中学习轮滑
B|全市组织优秀教师、退休教师和志愿者参与课后服务，缓解了课后服务师资紧张的问题。
X|课后服务显成效——实验小学学生展示编程作品
B|各学校建立课后服务课程评价机制，每学期根据学生和家长的反馈调整课程设置。
X|全市中小学课后服务实现全覆盖：实验小学课后服务“趣味编程”课程
B|课后服务坚持公益普惠原则，学生自愿参加，不收取任何费用。
B|强化过程管理，确保服务质量
B|市教育局党组书记、局长李明在全市课后服务推进会上强调：
B|要把课后服务作为落实“双减”政策的重要抓手，切实提升课后服务的质量和水平。
B|报名材料提交截止时间：2024年9月30日
B|全市共有15万名学生参加了课后服务。
B|咨询电话：0631-5212345
B|各学校将定期开展课后服务满意度调查，不断改进服务质量。
X|【打印本页】 【关闭窗口】
"""),
]


def main() -> None:
    pages = [build(k) for k in range(48)] + [hand(*h) for h in HANDWRITTEN + HELDOUT + PHOTO_PAGES]
    OUT.write_text("[\n" + ",\n".join(json.dumps(p, ensure_ascii=False) for p in pages) + "\n]\n", encoding="utf-8")
    print(f"{len(pages)} pages -> {OUT}")


if __name__ == "__main__":
    main()
