"""A small gazetteer: places and public bodies that tell which country a speaker belongs to.

General knowledge, not answers to any labelled set: states, provinces and prefectures, major cities
and the executive bodies of the United States, China, the European Union, Japan and Mexico. The
attribution rules (briefing/analysis/attribution.py) turn these into markers of a region; which
configured side a region goes to is decided there, from the sides' `countries` or names.

Two kinds of place name:
- PLACES     unambiguous names, a marker wherever they occur in a speaker's name or description
             ("a smelter in Lengshuijiang", "from Sonora").
- BASED_ONLY names that are also common surnames or given names ("Guerrero", "Yamaguchi", "Jinhua"),
             a marker only as "X-based", "X Prefecture/province/state" or "in/from X".
- HUBS       trading ports where traders of every country work ("a trader in Rotterdam" is placed
             nowhere), a marker only as "X-based" ("a Rotterdam-based metals house").
BODIES are names of public bodies and offices, FIRMS of companies, banks and price reporters whose
home country is common knowledge ("analysts at Citi"); both are always strong markers. Countries
beyond the five (the UK, Canada, Australia, Korea, India, ...) are regions of their own: a side has
them only when the config lists them in `[[sides]] countries`.
"""

from __future__ import annotations

import re


def _names(text: str) -> tuple[str, ...]:
    """Names separated by semicolons or new lines, blanks ignored."""
    return tuple(n.strip() for n in re.split(r"[;\n]", text) if n.strip())


PLACES: dict[str, tuple[str, ...]] = {
    "us": _names(
        """Alabama; Alaska; Arizona; Arkansas; California; Colorado; Connecticut; Delaware; Florida;
        Hawaii; Idaho; Illinois; Indiana; Iowa; Kansas; Kentucky; Louisiana; Maine; Maryland;
        Massachusetts; Michigan; Minnesota; Mississippi; Missouri; Montana; Nebraska; Nevada;
        New Hampshire; New Jersey; New Mexico; New York; North Carolina; North Dakota; Ohio; Oklahoma;
        Oregon; Pennsylvania; Rhode Island; South Carolina; South Dakota; Tennessee; Texas; Utah;
        Vermont; West Virginia; Wisconsin; Wyoming;
        Los Angeles; San Francisco; San Diego; San Jose; Seattle; Chicago;
        San Antonio; Phoenix; Denver; Boston; Philadelphia; Pittsburgh; Detroit; Cleveland; Columbus;
        Cincinnati; Atlanta; Miami; Tampa; Orlando; Nashville; Memphis; Baltimore;
        Minneapolis; St. Louis; Kansas City; Salt Lake City; Las Vegas; Reno; Portland; Sacramento;
        Albuquerque; Tucson; Boise; Anchorage; Honolulu; New Orleans; Milwaukee; Indianapolis;
        Raleigh; Richmond; Manhattan; Brooklyn; Silicon Valley; Wall Street"""
    ),
    "china": _names(
        """Anhui; Fujian; Gansu; Guangdong; Guangxi; Guizhou; Hainan; Hebei; Heilongjiang; Henan; Hubei;
        Hunan; Jiangsu; Jiangxi; Jilin; Liaoning; Qinghai; Shaanxi; Shandong; Shanxi; Sichuan; Yunnan;
        Zhejiang; Inner Mongolia; Ningxia; Xinjiang; Tibet; Xizang;
        Shanghai; Shenzhen; Guangzhou; Tianjin; Chongqing; Wuhan; Changsha; Chengdu; Nanjing; Hangzhou;
        Xi'an; Baotou; Ganzhou; Xiamen; Qingdao; Dalian; Shenyang; Harbin; Kunming; Hefei; Zhengzhou;
        Jinan; Suzhou; Ningbo; Nanchang; Lanzhou; Urumqi; Hohhot; Fuzhou; Nanning; Guiyang; Haikou;
        Shijiazhuang; Taiyuan; Changchun; Xining; Yinchuan; Lhasa; Wuxi; Changzhou; Nantong; Xuzhou;
        Yangzhou; Zhenjiang; Yancheng; Lianyungang; Huai'an; Suqian; Wenzhou; Shaoxing; Huzhou;
        Quzhou; Lishui; Zhoushan; Taizhou; Wuhu; Bengbu; Huainan; Ma'anshan; Tongling; Chuzhou;
        Fuyang; Quanzhou; Zhangzhou; Putian; Longyan; Sanming; Nanping; Ningde; Jingdezhen; Pingxiang;
        Jiujiang; Yingtan; Shangrao; Ji'an; Fuzhou; Zibo; Zaozhuang; Dongying; Yantai; Weifang; Jining;
        Tai'an; Weihai; Rizhao; Linyi; Dezhou; Liaocheng; Binzhou; Heze; Luoyang; Kaifeng; Anyang;
        Xinxiang; Jiaozuo; Puyang; Xuchang; Luohe; Sanmenxia; Nanyang; Shangqiu; Zhoukou;
        Zhumadian; Pingdingshan; Yichang; Xiangyang; Shiyan; Jingzhou; Jingmen; Xiaogan; Huanggang;
        Xianning; Suizhou; Ezhou; Huangshi; Enshi; Zhuzhou; Xiangtan; Hengyang; Shaoyang; Yueyang;
        Zhangjiajie; Yiyang; Chenzhou; Yongzhou; Loudi; Lengshuijiang; Shaoguan;
        Zhuhai; Shantou; Foshan; Jiangmen; Zhanjiang; Maoming; Zhaoqing; Meizhou; Shanwei; Heyuan;
        Yangjiang; Qingyuan; Dongguan; Zhongshan; Chaozhou; Jieyang; Yunfu; Liuzhou; Guilin; Wuzhou;
        Beihai; Fangchenggang; Qinzhou; Baise; Hezhou; Hechi; Chongzuo; Zunyi; Anshun; Tongren;
        Liupanshui; Bijie; Qujing; Baoshan; Zhaotong; Lijiang; Honghe; Xishuangbanna;
        Dehong; Panzhihua; Mianyang; Deyang; Zigong; Luzhou; Leshan; Nanchong; Yibin; Dazhou;
        Liangshan; Baoji; Xianyang; Weinan; Hanzhong; Ankang; Shangluo; Yan'an; Tongchuan; Jinchang;
        Baiyin; Tianshui; Jiuquan; Jiayuguan; Zhangye; Datong; Yangquan; Changzhi;
        Shuozhou; Jinzhong; Yuncheng; Xinzhou; Linfen; Lüliang; Tangshan; Qinhuangdao; Handan;
        Xingtai; Baoding; Zhangjiakou; Cangzhou; Langfang; Hengshui; Anshan; Fushun;
        Benxi; Dandong; Jinzhou; Yingkou; Fuxin; Liaoyang; Panjin; Tieling; Chaoyang; Huludao;
        Siping; Liaoyuan; Tonghua; Baishan; Songyuan; Baicheng; Yanbian; Qiqihar; Jixi; Hegang;
        Shuangyashan; Daqing; Jiamusi; Qitaihe; Mudanjiang; Heihe; Suihua; Chifeng; Tongliao; Ordos;
        Hulunbuir; Bayannur; Ulanqab; Wuhai; Xilingol; Alxa; Bayan Obo; Karamay; Turpan; Hami;
        Kashgar; Korla; Altay; Golmud; Haixi; Shizuishan; Wuzhong; Guyuan; Sanya;
        Danzhou"""
    ),
    "eu": _names(
        """Munich; Frankfurt; Cologne; Stuttgart; Düsseldorf; Dusseldorf; Leipzig; Dresden;
        Hanover; Nuremberg; Bremen; Essen; Dortmund; Duisburg; Bonn; Mannheim; Karlsruhe; Freiberg;
        Saxony; Bavaria; Baden-Württemberg; North Rhine-Westphalia; Lyon; Marseille; Toulouse;
        Bordeaux; Lille; Strasbourg; Grenoble; Eindhoven; Utrecht; Ghent; Liège;
        Leuven; Turin; Naples; Florence; Bologna; Genoa; Venice; Barcelona; Valencia; Seville; Bilbao;
        Zaragoza; Malaga; Porto; Kraków; Krakow; Gdańsk; Gdansk; Wrocław; Wroclaw; Poznań; Katowice;
        Łódź; Lodz; Gothenburg; Malmö; Malmo; Kiruna; Luleå; Uppsala; Tampere; Turku; Oulu; Aarhus;
        Odense; Graz; Linz; Salzburg; Innsbruck; Brno; Ostrava; Bratislava; Košice; Ljubljana;
        Zagreb; Tallinn; Tartu; Riga; Vilnius; Kaunas; Bucharest; Cluj-Napoca; Sofia; Plovdiv;
        Thessaloniki; Nicosia; Valletta; Cork; Galway; Flanders; Wallonia; Catalonia; Andalusia;
        Lombardy; Piedmont; Silesia"""
    ),
    "japan": _names(
        """Hokkaido; Aomori; Iwate; Akita; Fukushima Prefecture; Ibaraki; Tochigi; Gunma; Saitama;
        Kanagawa; Niigata; Toyama; Yamanashi; Gifu; Shizuoka; Aichi; Mie; Shiga; Kyoto; Osaka; Hyogo;
        Wakayama; Tottori; Shimane; Hiroshima; Tokushima; Kagawa; Ehime; Kochi; Fukuoka; Saga Prefecture;
        Nagasaki; Kumamoto; Oita; Kagoshima; Okinawa; Yokohama; Nagoya; Sapporo; Kobe; Kawasaki;
        Sendai; Kitakyushu; Chiba Prefecture; Sakai; Hamamatsu; Niihama; Naoshima; Kanto; Kansai;
        Kyushu; Shikoku; Marunouchi; Kasumigaseki; Minamitorishima"""
    ),
    "mexico": _names(
        """Aguascalientes; Baja California; Baja California Sur; Campeche; Chiapas; Chihuahua; Coahuila;
        Colima; Durango; Guanajuato; Jalisco; Michoacán; Michoacan; Nayarit; Nuevo León; Nuevo Leon;
        Oaxaca; Puebla; Querétaro; Queretaro; Quintana Roo; San Luis Potosí; San Luis Potosi; Sinaloa;
        Sonora; Tabasco; Tamaulipas; Tlaxcala; Veracruz; Yucatán; Yucatan; Zacatecas;
        Monterrey; Guadalajara; Tijuana; Ciudad Juárez; Ciudad Juarez; Hermosillo; Saltillo; Mérida;
        Merida; Culiacán; Culiacan; Toluca; Cancún; Cancun; Acapulco; Mazatlán; Mazatlan; Torreón;
        Torreon; Mexicali; Ensenada; Nogales; Bacadéhuachi; Bacadehuachi; Manzanillo; Lázaro Cárdenas;
        Lazaro Cardenas; Tampico; Coatzacoalcos"""
    ),
    # Countries outside the five above: a side has them only when the config says so
    # (`[[sides]] countries`); otherwise a speaker placed there stays unknown, whatever the feed.
    "uk": _names("London; Edinburgh; Manchester; Birmingham; Glasgow; Cardiff"),
    "canada": _names(
        "Toronto; Vancouver; Ottawa; Montreal; Calgary; Edmonton; Quebec; Ontario; Saskatchewan"
    ),
    "australia": _names(
        "Sydney; Melbourne; Perth; Brisbane; Adelaide; Canberra; Queensland; Western Australia"
    ),
    "korea": _names("Seoul; Busan; Incheon; Ulsan"),
    "india": _names("New Delhi; Mumbai; Bengaluru; Bangalore; Chennai; Kolkata"),
    "taiwan": _names("Taipei; Kaohsiung; Hsinchu; Taichung"),
    "indonesia": _names("Jakarta; Sulawesi; Morowali"),
    "vietnam": _names("Hanoi; Ho Chi Minh City"),
    "russia": _names("Moscow; St. Petersburg"),
    "congo": _names("Kinshasa; Lubumbashi; Katanga"),
    "mongolia": _names("Ulaanbaatar"),
    "kazakhstan": _names("Astana; Almaty"),
    "malaysia": _names("Kuala Lumpur; Kuantan"),
    "philippines": _names("Manila"),
    "saudi_arabia": _names("Riyadh; Jeddah"),
    "argentina": _names("Buenos Aires"),
    "south_africa": _names("Johannesburg; Pretoria; Cape Town"),
    "other": _names("Hong Kong"),
}

BASED_ONLY: dict[str, tuple[str, ...]] = {
    "us": _names(
        "Washington State; Georgia; Virginia; Houston; Dallas; Austin; Charlotte; Lincoln; Jackson; Madison"
    ),
    "china": _names(
        """Jinhua; Yulin; Xinyu; Anqing; Jiaxing; Yichun; Huizhou; Meishan; Yuxi; Wenshan; Dali; Jincheng;
        Wuwei; Zhongwei; Chengde; Xinyang; Changde; Huaihua"""
    ),
    "japan": _names(
        """Fukushima; Yamagata; Miyagi; Ishikawa; Fukui; Nagano; Nara; Okayama; Yamaguchi; Miyazaki;
        Chiba; Saga; Kanazawa; Takamatsu; Matsuyama"""
    ),
    "mexico": _names("Guerrero; Hidalgo; Morelos; Juárez; Juarez; León; Leon; Cárdenas; Cardenas"),
}

HUBS: dict[str, tuple[str, ...]] = {"eu": _names("Rotterdam; Antwerp; Hamburg")}

BODIES: dict[str, tuple[str, ...]] = {
    "us": _names(
        """Under Secretary of Commerce for Industry and Security; Under Secretary for Industry and Security;
        Bureau of Industry and Security; Assistant Secretary for Export Enforcement;
        Assistant Secretary for Export Administration; Secretary of Commerce; Secretary of Energy;
        Secretary of the Interior; Secretary of the Treasury; Secretary of Defense; Secretary of War;
        Treasury Department; U.S. Treasury; US Treasury; Department of Energy; Defense Logistics Agency;
        Development Finance Corporation; Office of Strategic Capital; National Security Council;
        National Economic Council; Office of Science and Technology Policy; U.S. Senate; US Senate;
        U.S. House; US House; U.S. Congress; US Congress; U.S. Customs and Border Protection;
        Customs and Border Protection; Bureau of Land Management; Environmental Protection Agency;
        Geological Survey; Oak Ridge National Laboratory; Argonne National Laboratory;
        Idaho National Laboratory; Ames National Laboratory; Critical Materials Institute"""
    ),
    "china": _names(
        """Ministry of Natural Resources; China Geological Survey; National Energy Administration;
        State Administration for Market Regulation; National People's Congress; NPC Standing Committee;
        CPPCC; Bureau of Industry Security, Import and Export Control; Customs Tariff Commission;
        Ministry of Industry and Information Technology; China Minmetals; China Northern Rare Earth;
        China Rare Earth Group; Chinalco; Aluminum Corporation of China; Chinese Embassy;
        Chinese Academy of Sciences; China Academy of Sciences; Zhongguancun; Xiong'an;
        provincial Department of Industry and Information Technology"""
    ),
    "eu": _names(
        """DG GROW; DG TRADE; DG ENER; Directorate-General for Internal Market;
        Directorate-General for Trade; European Parliament; Member of the European Parliament; MEP;
        European Investment Bank; European Raw Materials Alliance; European Council; Council of the EU;
        European External Action Service; Bundestag; Bundesregierung; Élysée; Elysee; Berlaymont;
        German Federal Ministry; Federal Ministry for Economic Affairs; BDI; Eurometaux;
        German Mineral Resources Agency; DERA; BRGM"""
    ),
    "japan": _names(
        """JOGMEC; JBIC; Japan Bank for International Cooperation; JETRO;
        Japan External Trade Organization; Keidanren; Japanese Embassy; Japan's Ministry;
        Agency for Natural Resources and Energy; Cabinet Office of Japan; National Diet"""
    ),
    "mexico": _names(
        """Pemex; Petróleos Mexicanos; Petroleos Mexicanos; LitioMx; Litio para México; Banxico;
        Banco de México; Comisión Federal de Electricidad; Servicio Geológico Mexicano;
        Servicio Geologico Mexicano; Secretaría de Energía; Secretaria de Energia;
        Secretaría de Relaciones Exteriores; Senado de la República; Palacio Nacional;
        Mexico's Economy Ministry; Mexican Economy Ministry; Mexican Embassy"""
    ),
}

# Companies, banks and price reporters whose home country every analyst knows ("analysts at Citi").
# Names that are also common words or surnames (Ford, Apple, Vale, Reliance) are left out.
FIRMS: dict[str, tuple[str, ...]] = {
    "us": _names(
        """Citi; Citigroup; Goldman Sachs; JPMorgan; J.P. Morgan; Morgan Stanley; Bank of America; BofA;
        Wells Fargo; BlackRock; MP Materials; Albemarle; Tesla; General Motors; Lockheed Martin; Raytheon;
        Freeport-McMoRan; Energy Fuels; USA Rare Earth; S&P Global; Piedmont Lithium; Westwin Elements"""
    ),
    "china": _names(
        """CATL; Contemporary Amperex; BYD; Shenghe; Zijin; Tianqi; Ganfeng; CMOC; Huayou; JL Mag;
        Baogang; Northern Rare Earth; Minmetals; Sinochem; Sinopec; Huawei; SMIC; Xiamen Tungsten"""
    ),
    "eu": _names(
        """Umicore; Solvay; BASF; Siemens; Volkswagen; BMW; Mercedes-Benz; Stellantis; Deutsche Bank;
        BNP Paribas; Société Générale; Societe Generale; Vacuumschmelze; Northvolt; LKAB; Boliden;
        Eramet; Airbus; Commerzbank; UniCredit"""
    ),
    "japan": _names(
        """Toyota; Toyota Tsusho; Honda; Panasonic; Sumitomo; Mitsubishi; Mitsui; Sojitz; Shin-Etsu;
        Nomura; Mizuho; Hitachi; Proterial; TDK; Nidec"""
    ),
    "uk": _names(
        """HSBC; Barclays; Standard Chartered; Rio Tinto; Anglo American; Fastmarkets; Argus Media;
        Wood Mackenzie; Benchmark Mineral Intelligence; Project Blue; CRU Group"""
    ),
    "canada": _names("Teck; Barrick; Cameco; Royal Bank of Canada; RBC Capital; Scotiabank; BMO Capital"),
    "australia": _names(
        """BHP; Lynas; Iluka; Pilbara Minerals; Macquarie; Arafura; Australian Strategic Materials;
        Fortescue; Mineral Resources Ltd"""
    ),
    "korea": _names("Samsung; Hyundai; LG Energy Solution; LG Chem; POSCO; Korea Zinc; SK On"),
    "other": _names("Glencore; UBS; Trafigura"),
}


def alternation(names: tuple[str, ...]) -> str:
    """A regex alternation of the names, longest first, spaces matching any white space."""
    ordered = sorted(set(names), key=lambda n: (-len(n), n))
    return "(?:" + "|".join(r"\s+".join(map(re.escape, n.split())) for n in ordered) + ")"
