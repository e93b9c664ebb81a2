import Foundation

/// Name and text pools for the demo ledger: Han, Uyghur, Kazakh and Hui names as written in
/// Chinese on Ili ledgers (Uyghur and Kazakh: given name·father's name), places in 伊宁县.
enum DemoNames {
    enum People: Int, CaseIterable {
        case han, uyghur, kazakh, hui

        var ethnicity: String {
            switch self {
            case .han: "汉族"
            case .uyghur: "维吾尔族"
            case .kazakh: "哈萨克族"
            case .hui: "回族"
            }
        }

        /// Names joined with a middle dot (本名·父名) rather than surname first.
        var usesPatronym: Bool { self == .uyghur || self == .kazakh }
    }

    /// Rough shares among elders in a county of the Ili valley.
    static let peopleWeights: [Double] = [0.27, 0.45, 0.16, 0.12]

    static let hanSurnames = [
        "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "朱", "胡", "郭", "何", "高", "林",
        "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘",
        "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭",
        "陆", "汪", "范", "金", "石", "贾", "夏", "付", "方", "邹", "孟", "熊", "秦", "江", "尹", "薛", "闫", "段",
        "雷", "侯", "史", "陶", "贺", "顾", "毛", "郝", "龚", "邵", "万", "严", "武", "戴", "孔", "汤",
    ]
    static let hanOldWomen = [
        "秀英", "桂兰", "玉珍", "秀兰", "凤英", "玉兰", "桂英", "秀珍", "淑珍", "桂芝", "玉梅", "凤兰", "秀梅",
        "素珍", "兰英", "春兰", "翠花", "金凤", "玉英", "淑兰", "桂珍", "美兰", "秀云", "玉芳", "桂香", "凤琴",
        "淑英", "桂荣", "玉华", "秀芳",
    ]
    static let hanOldMen = [
        "建国", "国华", "德明", "福生", "振华", "志刚", "长林", "树林", "永福", "学文", "文华", "明德", "春生",
        "保国", "海山", "德胜", "金山", "玉山", "宝山", "全福", "建华", "国强", "占魁", "守信", "有才", "广发",
        "庆林", "殿臣", "万福", "长青",
    ]
    static let hanYoungWomen = ["丽", "芳", "静", "红梅", "海燕", "丽娟", "晓燕", "玉霞", "春梅", "艳", "娟", "雪梅", "小红", "慧"]
    static let hanYoungMen = ["伟", "军", "强", "建军", "志强", "海军", "卫东", "红军", "勇", "磊", "小平", "建新", "国庆", "斌"]

    static let uyghurMen = [
        "买买提", "吐尔逊", "艾买提", "阿不都热合曼", "艾力", "吾斯曼", "亚森", "卡德尔", "阿布力孜", "热合曼",
        "司马义", "依明", "努尔", "肉孜", "托合提", "尼亚孜", "买合木提", "阿西木", "玉素甫", "卡斯木", "斯拉木",
        "吐尔洪", "阿卜杜拉", "阿吾提", "居来提", "艾则孜", "麦麦提敏", "吾买尔", "牙生", "哈斯木",
    ]
    static let uyghurWomen = [
        "阿依古丽", "热依拉", "帕提古丽", "阿依努尔", "古丽巴哈尔", "努尔尼沙", "祖丽皮亚", "热孜万古丽", "阿米娜",
        "吐尼沙", "海力且木", "买热木", "再乃甫", "布维古丽", "阿依谢姆", "帕夏古丽", "吾尔尼沙", "米合日古丽",
        "古丽扎尔", "孜比古丽", "赛乃姆", "阿娜尔汗", "帕塔木", "托乎提汗", "加米拉", "萨拉木", "茹仙古丽", "玛依努尔",
    ]
    static let kazakhMen = [
        "哈力木拉提", "努尔兰", "叶尔兰", "巴合提", "加那尔别克", "哈布都拉", "托列吾汗", "阿斯哈尔", "别克",
        "胡安", "赛力克", "努尔别克", "沙吾提", "阿曼", "叶尔肯", "马合沙提", "哈依拉提", "库尔班别克", "巴特尔汗",
        "吐尔逊别克", "阿合买提", "江布尔", "哈那提", "木拉提",
    ]
    static let kazakhWomen = [
        "古丽娜尔", "阿依达娜", "沙吾列", "加娜尔", "玛依拉", "阿克列克", "巴哈尔古丽", "哈丽恰", "阿尔达克",
        "古丽扎提", "努尔古丽", "萨吾列", "别克孜拉", "阿娜尔古丽", "加米拉", "哈丽曼", "阿依夏", "再丽哈",
        "库丽夏", "巴力恰",
    ]
    static let huiSurnames = ["马", "马", "马", "丁", "杨", "白", "海", "冶", "韩", "穆", "哈", "沙", "金", "苏", "李", "王"]
    static let huiOldWomen = ["秀兰", "玉梅", "桂英", "凤兰", "秀英", "玉兰", "桂花", "凤英", "兰花", "秀珍", "金花", "玉芳"]
    static let huiOldMen = ["占山", "福祥", "有福", "德林", "永祥", "国兴", "文才", "成林", "占武", "学礼", "明义", "仲良", "云龙", "进忠"]

    /// A person's name; `father` supplies the patronym for Uyghur and Kazakh names and the surname
    /// of a Han or Hui child.
    static func name(_ people: People, gender: Gender, old: Bool, surname: String? = nil,
                     father: String? = nil, rng: inout DemoRandom) -> String {
        switch people {
        case .han, .hui:
            let family = surname ?? rng.pick(people == .han ? hanSurnames : huiSurnames)
            let given: [String]
            switch (people, gender, old) {
            case (.han, .female, true): given = hanOldWomen
            case (.han, .male, true): given = hanOldMen
            case (.hui, .female, true): given = huiOldWomen
            case (.hui, .male, true): given = huiOldMen
            case (_, .female, false): given = hanYoungWomen
            default: given = hanYoungMen
            }
            return family + rng.pick(given)
        case .uyghur, .kazakh:
            let men = people == .uyghur ? uyghurMen : kazakhMen
            let women = people == .uyghur ? uyghurWomen : kazakhWomen
            let own = rng.pick(gender == .female ? women : men)
            var patronym = father ?? rng.pick(men)
            if patronym == own { patronym = men[(men.firstIndex(of: own)! + 1) % men.count] }
            return own + "·" + patronym
        }
    }

    /// The surname (Han, Hui) or given name (Uyghur, Kazakh) a child inherits from a father.
    static func familyPart(of name: String, _ people: People) -> String {
        if people.usesPatronym { return String(name.split(separator: "·").first ?? Substring(name)) }
        return String(name.prefix(1))
    }

    // MARK: - Places

    static let county = (code: "654021", name: "伊宁县")
    /// Towns (镇, codes 1xx) and townships (乡, codes 2xx) of the county.
    static let townships = [
        "吉里于孜镇", "墩麻扎镇", "英塔木镇", "愉群翁回族乡", "胡地亚于孜镇", "喀拉亚尕奇乡", "萨地克于孜乡",
        "温亚尔镇", "巴依托海镇", "阿乌利亚乡", "武功乡", "麻扎乡", "曲鲁海乡", "喀什镇", "萨木于孜镇",
        "阿热吾斯塘镇", "吐鲁番于孜乡", "维吾尔于孜镇", "托逊乡", "克伯克于孜乡",
    ]
    static let villages = [
        "阿克达拉", "托格拉克", "喀拉墩", "阔坦", "萨依布依", "英阿亚格", "恰普其海", "巴依海", "布拉克",
        "阿克铁热克", "切吉", "红旗", "团结", "幸福", "和平", "新建", "东梁", "胜利", "友谊", "光明", "民主",
        "前进", "园艺", "加依达", "喀赞其", "铁列克", "克孜勒塔木", "阿勒玛勒", "吐格买提", "巴格其", "阿亚克",
        "阔克托别", "塔什库勒", "沙尔布拉克", "苏布台", "墩买里", "英买里", "托万", "依拉克", "喀拉托别",
        "克孜勒博依", "博斯坦", "吾尔塔", "琼博拉", "阿吾斯奇", "加格斯台", "苏拉宫", "纳旦", "巴扎", "阿克塔木",
        "上吐鲁番于孜", "下吐鲁番于孜", "奥依曼布拉克", "阔什比克", "塔勒德", "阿勒推", "阿克其", "萨尔巴格",
        "喀拉苏", "阿拉木图亚",
    ]
    static let numerals = ["", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
                           "十五", "十六", "十七", "十八", "十九", "二十"]

    /// A village name unique within the county for `index`.
    static func village(_ index: Int) -> String {
        let base = villages[index % villages.count]
        let round = index / villages.count
        let suffix = round < numerals.count ? numerals[round] : String(round + 1)
        return base + suffix + "村"
    }

    /// A township name unique within the county; returns the name and whether it is a town (镇).
    static func township(_ index: Int) -> String {
        if index < townships.count { return townships[index] }
        let base = townships[index % townships.count]
        return String(base.dropLast()) + String(index / townships.count + 1) + String(base.last!)
    }

    static let supporterResidences = ["本村", "本村", "本乡其他村", "伊宁县城", "伊宁市", "乌鲁木齐市", "霍尔果斯市", "奎屯市", "克拉玛依市"]
    /// Where migrant children (留守) work.
    static let farResidences = ["乌鲁木齐市", "乌鲁木齐市", "克拉玛依市", "库尔勒市", "昌吉市", "石河子市", "外省（江苏省）",
                                "外省（浙江省）", "外省（广东省）", "外省（河南省）", "外省（甘肃省）"]
    static let wishes = [
        "希望子女常回家看看", "愿意居家养老", "希望有人定期上门陪伴聊天", "希望提供助餐服务", "希望帮助改造厕所，安装扶手",
        "希望冬季取暖有保障", "希望就近看病方便", "暂不考虑入住养老机构", "希望家庭医生定期上门",
    ]
    static let mobilePrefixes = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                                 "155", "156", "157", "158", "159", "177", "180", "181", "182", "186", "187", "188",
                                 "189", "199"]

    static func mobile(_ rng: inout DemoRandom) -> String {
        rng.pick(mobilePrefixes) + digits(rng.int(100_000_000), 8)
    }

    /// `value` zero-padded to `width` digits (String(format:) is slow on Linux).
    static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Stable log-in names listed in the README; see `DemoGenerator`.
    static let clerkNames = ["王丽娟", "阿依努尔·热合曼", "马晓燕", "古丽米拉·托合提", "赵婷", "迪娜拉·叶尔兰",
                             "孙静", "帕丽达·阿不都"]
    static let gridWorkerNames = ["张伟", "努尔买买提·艾力", "刘芳", "迪丽拜尔·阿不都", "马军", "叶尔兰·哈力别克",
                                  "陈静", "热孜宛古丽·买买提", "杨磊", "阿力木江·吾斯曼", "韩雪", "阿斯哈尔·努尔兰",
                                  "白海军", "祖丽胡玛尔·依明", "孙浩"]
}
