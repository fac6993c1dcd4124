"""The story templates of the demo news site: what a regional or national story is about and how it is told.

Placeholders: ``{A}``/``{B}`` an agency of the story (full name on first use in the text, an alias later),
``{A.short}`` an alias, ``{a}`` the bare acronym of A ("Diskominfo"; used only after A was named), ``{M}`` the
ministry valid on the story's date, ``{JA}``/``{JB}``/``{JM}`` an official's job title before the agency ("Kepala"),
``{P}``/``{Q}`` officials, ``{R}`` a resident, ``{CITY}``, ``{DISTRICT}``, ``{VILLAGE}``, ``{VENUE}``, ``{DATE}`` a body
dateline such as "Rabu (14/10)", ``{N}`` a small number, ``{RP}`` an amount, ``{YEAR}``. Filler must never
contain an agency name; the generator audits that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

JOB_TITLES = {
    "dinas": "Kepala", "badan": "Kepala", "pemda": "Juru bicara", "dprd": "Ketua Komisi I",
    "police": "Kabid Humas", "sekretariat": "Kepala Bagian Humas", "ministry": "Direktur Tata Kelola dan "
    "Kemitraan Komunikasi Publik", "agency": "Kepala", "military": "Kepala Penerangan", "court": "Juru bicara",
    "other": "Kepala",
}
QUOTE_VERBS_NAMED = ["ujar", "kata", "ucap", "tutur", "ungkap", "terang"]
QUOTE_VERBS_BACK = ["jelasnya", "ungkapnya", "tuturnya", "tegasnya", "imbuhnya", "pungkasnya", "tambahnya"]


@dataclass(frozen=True)
class Topic:
    key: str
    section: str
    a_kinds: tuple[str, ...]  # kinds the main agency may have; () for a story without agencies
    titles: tuple[str, ...]
    leads: tuple[str, ...]
    body: tuple[str, ...]
    quotes: tuple[str, ...]
    captions: tuple[str, ...]
    keywords: tuple[str, ...]
    b_kinds: tuple[str, ...] = ()
    a_prefixes: tuple[str, ...] = ()  # entity-id prefixes that suit the topic (any when empty)
    needs_ministry: bool = False
    scope: str = "regional"  # regional | national | any
    advertorial_ok: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    # The story's tone toward its agencies, for the truth record: (role, tone, marker) — the role's agency has
    # that tone when the chosen title or lead contains ``marker`` (any story of the topic when it is "").
    # Roles not listed are neutral.
    tones: tuple[tuple[str, str, str], ...] = ()


TOPICS: tuple[Topic, ...] = (
    Topic(
        key="relasi-media", section="pemerintahan", a_kinds=("dinas",), a_prefixes=("diskominfo-",), scope="regional",
        advertorial_ok=True,
        titles=("{A.short} Gelar Bimtek Pengelolaan Relasi Media bagi Humas Daerah",
                "Tingkatkan Kualitas Informasi Publik, {A.short} Latih Pengelola Media Sosial"),
        leads=("{A} menggelar bimbingan teknis pengelolaan relasi media di {VENUE}, {CITY}, {DATE}. Kegiatan ini "
               "diikuti puluhan pengelola kehumasan dari berbagai perangkat daerah.",
               "Guna meningkatkan kualitas pelayanan informasi publik, {A} menggelar pelatihan pengelolaan media "
               "sosial bagi pranata humas di {VENUE}, {DATE}."),
        body=("{JA} {A.short}, {P}, mengatakan kegiatan tersebut menjadi bagian dari upaya memperkuat komunikasi "
              "publik pemerintah daerah.",
              "Menurutnya, media memainkan peran penting dalam menyebarkan informasi, membentuk opini dan "
              "memengaruhi persepsi publik.",
              "Selain pemaparan materi, peserta juga mengikuti praktik menulis siaran pers dan mengelola akun "
              "media sosial instansi.",
              "Ke depan, {a} berencana menggelar kegiatan serupa secara berkala agar kemampuan para pengelola "
              "informasi terus terasah.",
              "Para peserta juga diajak memahami kode etik jurnalistik serta cara menanggapi pemberitaan yang "
              "keliru secara cepat dan santun."),
        quotes=("Instansi kehumasan harus bijak dalam membangun relasi media",
                "Kami di {A.short} ingin memastikan setiap informasi sampai ke masyarakat dengan cepat dan akurat",
                "Peserta kami harapkan bisa langsung menerapkan ilmu yang didapat di kantor masing-masing"),
        captions=("Suasana bimtek pengelolaan relasi media di {VENUE}", "Peserta pelatihan saat sesi praktik"),
        keywords=("Relasi Media", "Humas", "Informasi Publik"),
    ),
    Topic(
        key="apbd", section="politik", a_kinds=("dprd",), b_kinds=("pemda",), scope="regional",
        advertorial_ok=True,
        titles=("{A.short} Setujui Rancangan APBD Perubahan {YEAR} Bersama {B.short}",
                "Rapat Paripurna {A.short} Bahas Nota Keuangan Rancangan APBD {YEAR}"),
        leads=("{A} menggelar rapat paripurna membahas nota keuangan rancangan anggaran pendapatan dan belanja "
               "daerah bersama {B} di {VENUE}, {DATE}.",
               "Rancangan APBD Perubahan tahun anggaran {YEAR} akhirnya disetujui dalam rapat paripurna {A} "
               "yang digelar {DATE} malam."),
        body=("{JA} {A.short}, {P}, menyebut pembahasan berlangsung alot karena banyak usulan program prioritas "
              "yang harus disesuaikan dengan kemampuan keuangan daerah.",
              "Total belanja daerah dalam rancangan tersebut mencapai {RP}, naik dibanding tahun sebelumnya.",
              "Sejumlah fraksi memberikan catatan terkait pemerataan pembangunan di wilayah pedalaman dan "
              "perbatasan.",
              "{B.short} melalui juru bicaranya menyatakan siap menindaklanjuti seluruh catatan fraksi.",
              "Rapat paripurna dihadiri {N} dari 55 anggota dewan sehingga dinyatakan kuorum."),
        quotes=("Anggaran harus berpihak pada kebutuhan dasar warga, terutama pendidikan dan kesehatan",
                "Kami di {A.short} akan mengawal pelaksanaan anggaran ini sampai akhir tahun",
                "Catatan dewan sudah kami terima dan akan segera ditindaklanjuti"),
        captions=("Suasana rapat paripurna di {VENUE}", "Pimpinan dewan menandatangani persetujuan bersama"),
        keywords=("APBD", "Paripurna", "Anggaran"),
    ),
    Topic(
        key="narkoba", section="hukum", a_kinds=("police",), scope="any",
        titles=("{A.short} Amankan {N} Tersangka Peredaran Sabu di {DISTRICT}",
                "Jelang Akhir Tahun, {A.short} Siagakan Ratusan Personel Pengamanan"),
        leads=("{A} mengamankan {N} orang tersangka yang diduga terlibat jaringan peredaran sabu di kawasan "
               "{DISTRICT}, {CITY}, {DATE}.",
               "Sebanyak ratusan personel gabungan disiagakan {A} untuk mengamankan wilayah {CITY} menjelang "
               "libur akhir tahun."),
        body=("{JA} {A.short}, {P}, mengatakan penangkapan berawal dari laporan warga yang resah dengan "
              "aktivitas mencurigakan di sebuah rumah kontrakan.",
              "Dari tangan para tersangka, petugas menyita barang bukti berupa beberapa paket sabu siap edar dan "
              "timbangan digital.",
              "Para tersangka kini ditahan untuk pemeriksaan lebih lanjut dan terancam hukuman penjara di atas "
              "lima tahun.",
              "Warga diminta tidak ragu melapor apabila menemukan aktivitas mencurigakan di lingkungannya."),
        quotes=("Kami tidak akan memberi ruang bagi peredaran narkoba di wilayah ini",
                "Penindakan ini hasil kerja sama yang baik antara petugas dan masyarakat",
                "Pengamanan kami lakukan selama dua puluh empat jam penuh"),
        captions=("Petugas menunjukkan barang bukti saat konferensi pers", "Apel gelar pasukan di {VENUE}"),
        keywords=("Narkoba", "Kriminal", "Keamanan"),
    ),
    Topic(
        key="banjir", section="pemerintahan", a_kinds=("pemda",), scope="regional", advertorial_ok=True,
        titles=("{A.short} Percepat Penanganan Banjir di {DISTRICT}",
                "{A.short} Targetkan Perbaikan Drainase Rampung Akhir Tahun"),
        leads=("{A} mempercepat penanganan banjir yang kerap melanda kawasan {DISTRICT} dengan mengerahkan alat "
               "berat sejak {DATE}.",
               "Perbaikan saluran drainase di sejumlah titik rawan genangan terus dikebut {A} agar rampung sebelum "
               "puncak musim hujan."),
        body=("{JA} {A.short}, {P}, menjelaskan pengerukan sedimentasi dilakukan di sepanjang anak sungai yang "
              "mengalami pendangkalan.",
              "Anggaran yang disiapkan untuk pekerjaan tersebut mencapai {RP} dan bersumber dari belanja tidak "
              "terduga.",
              "Warga {VILLAGE} menyambut baik langkah tersebut karena rumah mereka hampir setiap bulan tergenang.",
              "{R}, salah seorang warga, mengaku air bisa setinggi lutut orang dewasa ketika hujan turun lebih dari "
              "dua jam."),
        quotes=("Kami ingin warga tidak lagi waswas setiap kali hujan deras turun",
                "Target kami pekerjaan ini selesai sebelum akhir Desember",
                "Penanganan banjir tidak bisa sendiri, perlu dukungan warga menjaga kebersihan saluran"),
        captions=("Alat berat mengeruk sedimentasi di {DISTRICT}", "Kondisi genangan di kawasan {DISTRICT}"),
        keywords=("Banjir", "Drainase", "Infrastruktur"),
        tones=(("A", "positive", ""),),  # "Warga … menyambut baik langkah tersebut"
    ),
    Topic(
        key="internet-desa", section="teknologi", a_kinds=("dinas",), a_prefixes=("diskominfo-",),
        needs_ministry=True, scope="any",
        titles=("{M.short} dan {A.short} Perluas Akses Internet di Desa Terpencil",
                "{N} Desa di Pedalaman Segera Nikmati Internet Cepat"),
        leads=("{M} bersama {A} memperluas jangkauan akses internet ke desa-desa terpencil yang belum terlayani "
               "sinyal, {DATE}.",
               "Sebanyak {N} desa di wilayah pedalaman ditargetkan menikmati layanan internet cepat tahun ini "
               "berkat kolaborasi {M} dan {A}."),
        body=("Program ini menyasar desa yang selama ini masuk kategori blank spot dan sulit dijangkau jaringan "
              "seluler.",
              "{JM} {M.short}, {Q}, menyebut pembangunan menara telekomunikasi akan diprioritaskan di wilayah "
              "perbatasan.",
              "Sementara itu, {A.short} menyiapkan data desa sasaran beserta kesiapan lahan dan pasokan listrik.",
              "Koordinasi dengan pemerintah desa juga terus dilakukan agar perangkat yang dibangun terjaga dengan "
              "baik.",
              "{a} mencatat masih ada puluhan desa yang membutuhkan penguatan jaringan."),
        quotes=("Akses internet sudah menjadi kebutuhan dasar, bukan lagi barang mewah",
                "Kami di {A.short} siap mendukung penuh pemerataan akses digital",
                "Kami harap anak-anak di desa bisa belajar daring tanpa harus naik ke bukit mencari sinyal"),
        captions=("Menara telekomunikasi di salah satu desa di pedalaman",),
        keywords=("Internet Desa", "Blank Spot", "Transformasi Digital"),
    ),
    Topic(
        key="hoaks", section="nasional", a_kinds=(), needs_ministry=True, scope="national",
        titles=("{M.short} Imbau Masyarakat Waspadai Hoaks Bantuan Sosial",
                "{M.short} Tangani Ribuan Konten Hoaks Sepanjang Tahun"),
        leads=("{M} mengimbau masyarakat mewaspadai penyebaran hoaks yang mengatasnamakan program bantuan sosial "
               "pemerintah, {DATE}.",
               "Sepanjang tahun ini {M} telah menangani ribuan konten hoaks yang beredar di berbagai platform "
               "media sosial."),
        body=("{JM} {M.short}, {Q}, mengatakan pola penipuan kini kerap memanfaatkan pesan berantai dan tautan "
              "palsu.",
              "Masyarakat diminta memeriksa kebenaran informasi melalui kanal resmi sebelum membagikannya.",
              "Pihaknya juga menggandeng platform digital untuk menurunkan konten yang terbukti menyesatkan.",
              "Literasi digital disebut menjadi kunci agar masyarakat tidak mudah terjebak informasi palsu."),
        quotes=("Jangan mudah percaya pada pesan yang meminta data pribadi atau uang",
                "Kami terus memantau ruang digital selama dua puluh empat jam",
                "Saring sebelum sharing, itu pesan yang terus kami sampaikan"),
        captions=("Ilustrasi pesan hoaks di telepon genggam",),
        keywords=("Hoaks", "Literasi Digital", "Bansos"),
    ),
    Topic(
        key="reses", section="politik", a_kinds=("dprd",), scope="regional", advertorial_ok=True,
        titles=("Anggota {A.short} Serap Aspirasi Warga saat Reses di {DISTRICT}",
                "Warga {DISTRICT} Keluhkan Jalan Rusak kepada Anggota {A.short}"),
        leads=("Anggota {A} menyerap aspirasi warga dalam kegiatan reses masa sidang ketiga di {DISTRICT}, "
               "{DATE}.",
               "Keluhan soal jalan rusak dan air bersih mendominasi pertemuan warga {DISTRICT} dengan anggota {A} "
               "dalam kegiatan reses, {DATE}."),
        body=("Ratusan warga hadir dan menyampaikan berbagai usulan, mulai dari perbaikan jalan lingkungan hingga "
              "bantuan alat pertanian.",
              "{P}, anggota {A.short} dari daerah pemilihan setempat, berjanji membawa seluruh usulan ke rapat "
              "pembahasan anggaran.",
              "{R}, tokoh masyarakat {VILLAGE}, berharap usulan warga tidak berhenti sebagai catatan.",
              "Reses digelar serentak oleh seluruh anggota dewan selama satu pekan."),
        quotes=("Semua usulan warga kami catat dan akan kami perjuangkan",
                "Jalan ini sudah lima tahun rusak dan belum pernah diperbaiki",
                "Aspirasi ini akan kami sampaikan dalam rapat bersama pemerintah daerah"),
        captions=("Warga menyampaikan aspirasi saat reses di {VILLAGE}",),
        keywords=("Reses", "Aspirasi", "Infrastruktur"),
    ),
    Topic(
        key="keterbukaan", section="pemerintahan", a_kinds=("sekretariat", "badan", "dinas"),
        a_prefixes=("setwan-", "setda-", "biro-", "diskominfo-", "bkd-", "bappeda-"), scope="regional",
        advertorial_ok=True,
        titles=("{A.short} Gelar Sosialisasi Keterbukaan Informasi Publik",
                "{A.short} Raih Predikat Informatif dalam Penilaian Keterbukaan Informasi"),
        leads=("{A} menggelar sosialisasi keterbukaan informasi publik bagi pejabat pengelola informasi di "
               "{VENUE}, {DATE}.",
               "{A} meraih predikat informatif dalam penilaian keterbukaan informasi badan publik tahun {YEAR}."),
        body=("{JA} {A.short}, {P}, mengatakan keterbukaan informasi merupakan amanat undang-undang yang wajib "
              "dijalankan setiap badan publik.",
              "Dalam kegiatan itu peserta mempelajari tata cara pelayanan permohonan informasi dan pengelolaan "
              "keberatan.",
              "Capaian tersebut naik dibanding tahun sebelumnya yang masih berada pada kategori menuju informatif.",
              "Pihaknya akan terus memperbarui daftar informasi publik di laman resmi agar mudah diakses warga."),
        quotes=("Keterbukaan informasi adalah wujud akuntabilitas kepada masyarakat",
                "Kami di {A.short} berkomitmen melayani permohonan informasi tepat waktu",
                "Predikat ini menjadi motivasi untuk terus berbenah"),
        captions=("Suasana sosialisasi keterbukaan informasi di {VENUE}",),
        keywords=("Keterbukaan Informasi", "PPID", "Pelayanan Publik"),
        tones=(("A", "positive", "aih predikat informatif"),),  # "Raih Predikat …" / "meraih predikat …"
    ),
    Topic(
        key="kesehatan", section="kesehatan", a_kinds=("pemda", "dinas"),
        a_prefixes=("dinkes-", "pemprov-", "pemkot-", "pemkab-"), scope="regional",
        titles=("{A.short} Gencarkan Imunisasi Anak di {DISTRICT}",
                "{A.short} Siapkan Layanan Kesehatan Gratis bagi Warga Kurang Mampu"),
        leads=("{A} menggencarkan program imunisasi dasar lengkap bagi anak usia di bawah lima tahun di "
               "{DISTRICT}, {DATE}.",
               "{A} menyiapkan layanan pemeriksaan kesehatan gratis bagi warga kurang mampu di {CITY} mulai "
               "pekan depan."),
        body=("{JA} {A.short}, {P}, menyebut cakupan imunisasi di sejumlah kelurahan masih di bawah target.",
              "Petugas puskesmas akan mendatangi posyandu dan sekolah untuk menjangkau anak yang belum "
              "diimunisasi.",
              "Warga cukup membawa kartu identitas untuk mendapatkan layanan tanpa biaya.",
              "{R}, seorang warga, mengaku terbantu karena tidak perlu antre lama di rumah sakit."),
        quotes=("Kami ingin tidak ada lagi anak yang tertinggal imunisasinya",
                "Layanan ini kami buka setiap hari kerja hingga akhir tahun",
                "Kesehatan warga adalah prioritas utama pemerintah daerah"),
        captions=("Petugas memberikan imunisasi kepada balita di posyandu",),
        keywords=("Kesehatan", "Imunisasi", "Posyandu"),
    ),
    Topic(
        key="warga", section="ragam", a_kinds=(), scope="any",
        titles=("Harga Cabai di Pasar {DISTRICT} Naik Jelang Akhir Pekan",
                "Festival Kuliner Tepian Mahakam Ramai Pengunjung",
                "Tim Sepak Bola Pelajar {CITY} Juara Turnamen Antarkota",
                "Ribuan Pelari Ramaikan Lomba Lari Sepuluh Kilometer di {CITY}"),
        leads=("Harga sejumlah kebutuhan pokok di {CITY} merangkak naik menjelang akhir pekan, {DATE}.",
               "Ribuan warga memadati kawasan {VENUE} untuk menikmati berbagai hiburan dan kuliner khas daerah, "
               "{DATE}."),
        body=("{R}, salah seorang pedagang, mengatakan kenaikan dipicu pasokan dari daerah penghasil yang "
              "berkurang akibat cuaca.",
              "Pengunjung datang tidak hanya dari {CITY}, tetapi juga dari kabupaten sekitar.",
              "Panitia mencatat jumlah pengunjung meningkat hampir dua kali lipat dibanding tahun lalu.",
              "Kegiatan ditutup dengan penampilan musik daerah dan pembagian hadiah bagi para pemenang."),
        quotes=("Pembeli mulai mengurangi belanja karena harga terus naik",
                "Acara seperti ini membuat kota lebih hidup",
                "Kami berlatih setiap sore selama tiga bulan untuk turnamen ini"),
        captions=("Suasana di kawasan {VENUE}", "Pedagang melayani pembeli di pasar tradisional"),
        keywords=("Ekonomi", "Hiburan", "Olahraga"),
    ),
)

# Bodies that serve the public at a counter, for the tone stories (and never BPBD or BRIDA, whose coverage the
# alert demo plants and counts: crawler/demo/alerts.py).
SERVICE_BODIES = ("dinkes-", "disdikbud-", "dinsos-", "dishub-", "diskominfo-", "bapenda-", "dpmptsp-", "dispar-",
                  "dispora-", "bkd-", "dlh-")

# Stories with a clear tone toward their agency: every outlet carries one of each, planted after its regular
# stories (so those keep their pages), for the tone evaluation and the alerts of issue 13.
TONE_TOPICS: tuple[Topic, ...] = (
    Topic(
        key="keluhan-layanan", section="pemerintahan", a_kinds=("dinas", "badan"), a_prefixes=SERVICE_BODIES,
        scope="regional",
        titles=("Warga Keluhkan Pelayanan {A.short} yang Lamban dan Berbelit",),
        leads=("Pelayanan {A} dikeluhkan warga {DISTRICT}, {CITY}, dalam sepekan terakhir. Warga menilai antrean "
               "panjang dan petugas lamban melayani, {DATE}.",),
        body=("{R}, salah seorang warga, mengaku sudah tiga kali datang tanpa mendapatkan layanan yang dijanjikan.",
              "Sejumlah warga juga mengkritik {A.short} karena perubahan jadwal layanan tidak diumumkan secara "
              "terbuka.",
              "{JA} {A.short}, {P}, mengatakan pihaknya akan mengevaluasi sistem antrean dalam waktu dekat.",
              "Warga berharap evaluasi itu benar-benar dilakukan, bukan sekadar janji."),
        quotes=("Kami sudah menunggu sejak pagi, tetapi tidak ada kepastian kapan dilayani",
                "Masukan warga kami terima dan segera kami tindak lanjuti"),
        captions=("Warga mengantre di ruang pelayanan",),
        keywords=("Pelayanan Publik", "Keluhan Warga"),
        tones=(("A", "negative", ""),),
    ),
    Topic(
        key="proyek-mangkrak", section="pemerintahan", a_kinds=("pemda",), scope="regional",
        titles=("Proyek Pasar di {DISTRICT} Garapan {A.short} Mangkrak, Warga Kecewa",),
        leads=("Proyek pembangunan pasar tradisional di {DISTRICT} yang dikerjakan {A} mangkrak sejak tahun lalu. "
               "Bangunan setengah jadi itu kini ditumbuhi semak belukar, {DATE}.",),
        body=("Para pedagang mengaku kecewa karena dijanjikan pindah ke pasar baru sebelum akhir {YEAR}.",
              "Anggaran proyek yang mencapai {RP} dinilai sia-sia jika pekerjaan tidak segera dilanjutkan.",
              "{JA} {A.short}, {P}, menyebut kelanjutan proyek masih menunggu hasil audit atas pekerjaan kontraktor.",
              "{R}, pedagang sayur, berharap bangunan itu bisa segera dimanfaatkan."),
        quotes=("Kami sudah terlalu lama menunggu pasar ini selesai",
                "Kelanjutan pekerjaan akan kami putuskan setelah audit rampung"),
        captions=("Bangunan pasar yang terbengkalai di {DISTRICT}",),
        keywords=("Proyek", "Pasar Tradisional"),
        tones=(("A", "negative", ""),),
    ),
    Topic(
        key="penghargaan", section="pemerintahan", a_kinds=("dinas", "badan"), a_prefixes=SERVICE_BODIES,
        scope="regional",
        titles=("{A.short} Raih Penghargaan Pelayanan Publik Terbaik",),
        leads=("{A} meraih penghargaan sebagai penyelenggara pelayanan publik terbaik dalam ajang penilaian "
               "kinerja pelayanan yang digelar di {VENUE}, {DATE}.",),
        body=("Penghargaan itu diserahkan langsung kepada {JA} {A.short}, {P}, di hadapan ratusan peserta.",
              "Dewan juri menilai inovasi layanan daring yang dijalankan {A.short} memangkas waktu pengurusan "
              "hingga separuhnya.",
              "Warga juga mengapresiasi {A.short} yang dinilai cepat merespons setiap aduan.",
              "Capaian tersebut akan dijadikan acuan bagi perangkat daerah lain."),
        quotes=("Penghargaan ini milik seluruh petugas yang melayani warga setiap hari",
                "Kami akan terus berinovasi agar layanan makin mudah"),
        captions=("Penyerahan penghargaan di {VENUE}",),
        keywords=("Penghargaan", "Pelayanan Publik"),
        tones=(("A", "positive", ""),),
    ),
    Topic(
        key="opini-wtp", section="pemerintahan", a_kinds=("pemda",), scope="regional",
        titles=("{A.short} Kembali Raih Opini WTP atas Laporan Keuangan {YEAR}",),
        leads=("{A} kembali meraih opini Wajar Tanpa Pengecualian (WTP) atas laporan keuangan tahun anggaran "
               "{YEAR}. Capaian itu diumumkan dalam rapat paripurna di {VENUE}, {DATE}.",),
        body=("{JA} {A.short}, {P}, menyebut opini tersebut buah kerja keras seluruh perangkat daerah.",
              "Predikat itu diraih untuk kesekian kalinya secara berturut-turut.",
              "Sejumlah kalangan mengapresiasi {A.short} atas pengelolaan keuangan yang tertib dan transparan.",
              "Rekomendasi auditor akan segera ditindaklanjuti agar tata kelola makin baik."),
        quotes=("Opini ini kami persembahkan untuk masyarakat",
                "Kami akan menjaga capaian ini dengan pengelolaan anggaran yang hati-hati"),
        captions=("Penyerahan laporan hasil pemeriksaan di {VENUE}",),
        keywords=("Opini WTP", "Laporan Keuangan"),
        tones=(("A", "positive", ""),),
    ),
)

# Paragraphs any story may carry after its own material: entity-free, so they never change the truth record.
FILLER = (
    "Kegiatan berlangsung sejak pukul 09.00 Wita dan berakhir menjelang sore dengan sesi tanya jawab.",
    "Sejumlah warga yang ditemui mengaku baru mengetahui program tersebut dari media sosial.",
    "Pihak penyelenggara memastikan seluruh rangkaian acara berjalan lancar tanpa kendala berarti.",
    "Hingga berita ini diturunkan, koordinasi lanjutan masih terus dilakukan dengan berbagai pihak terkait.",
    "Program serupa sebelumnya telah dilaksanakan di beberapa kecamatan dan mendapat sambutan positif.",
    "Evaluasi akan dilakukan setiap tiga bulan untuk memastikan target yang ditetapkan dapat tercapai.",
    "Cuaca cerah sepanjang hari membuat kegiatan dapat berjalan sesuai jadwal yang telah disusun panitia.",
    "Para peserta tampak antusias mengikuti setiap sesi hingga acara selesai.",
)

# Trap kinds whose surface contains a dictionary word on purpose (a matcher must see it is part of something else);
# every other trap surface must contain no dictionary surface at all.
SUBSTRING_TRAPS = frozenset({"url", "letter-number", "longer-word", "banner"})

# Sentences that plant a trap: each ``{TRAP}`` stands for a surface that must produce no mention.
TRAPS = (
    ("url", "kominfo.go.id",
     "Informasi lengkap mengenai program nasional tersebut dapat diakses melalui laman {TRAP}."),
    ("letter-number", "480/{N}/KOMINFO/{YEAR}", "Ketentuan itu tertuang dalam surat edaran Nomor {TRAP}."),
    ("longer-word", "Diskominfostaper", "Kegiatan serupa sebelumnya digelar {TRAP} Kabupaten Paser."),
    ("company", "PT Pupuk Kaltim", "Turut hadir perwakilan {TRAP} dan sejumlah pelaku usaha setempat."),
    ("media-name", "Kaltim Post", "Persoalan ini sebelumnya juga diberitakan {TRAP} pekan lalu."),
    ("region", "Provinsi Kalimantan Timur", "Jumlah penduduk {TRAP} terus bertambah setiap tahun."),
    ("national-legislature", "DPR", "Anggota {TRAP} dari daerah pemilihan setempat, {Q}, turut memberikan dukungan."),
)
