"""Demo course texts: original Vietnamese lesson material written for this platform.

(course slug, title, theme, year, summary, self_enroll, [(module title, [(lesson title, minutes, html)])])
"""
THEME_2023 = ("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh, phát huy sức mạnh giá trị văn hóa, "
              "con người, phát triển Thái Bình nhanh, bền vững")

HCM_2023 = (
    "chuyen-de-2023-hoc-tap-va-lam-theo-bac",
    "Chuyên đề năm 2023: " + THEME_2023,
    THEME_2023,
    2023,
    "Khóa học giúp cán bộ tuyên giáo các cấp nắm vững nội dung cơ bản của chuyên đề năm 2023, liên hệ với "
    "truyền thống văn hóa, con người Thái Bình và xây dựng kế hoạch làm theo Bác cụ thể, thiết thực ở "
    "từng cơ quan, đơn vị, chi bộ.",
    True,
    [
        ("Phần 1. Những nội dung cơ bản của tư tưởng, đạo đức, phong cách Hồ Chí Minh", [
            ("Tư tưởng Hồ Chí Minh về văn hóa và con người", 15, """
<h2>Văn hóa soi đường cho quốc dân đi</h2>
<p>Trong toàn bộ di sản tư tưởng của Chủ tịch Hồ Chí Minh, văn hóa và con người luôn được đặt ở vị trí trung tâm. Người coi văn hóa không phải là thứ trang sức bên ngoài đời sống xã hội mà là nền tảng tinh thần, là sức mạnh nội sinh của dân tộc. Ngay từ những ngày đầu của chính quyền cách mạng, khi đất nước còn bộn bề khó khăn, Người đã chủ trương chống nạn mù chữ, xây dựng đời sống mới, coi việc nâng cao dân trí cũng cấp bách như việc chống giặc đói và giặc ngoại xâm.</p>
<p>Theo Người, văn hóa phải gắn liền với đời sống, phục vụ quần chúng nhân dân và góp phần cải tạo con người. Một nền văn hóa tiến bộ là nền văn hóa giúp mỗi người biết yêu nước, thương dân, biết phân biệt đúng sai, biết đấu tranh với cái xấu và vun đắp cái tốt. Vì vậy, xây dựng văn hóa không chỉ là nhiệm vụ của ngành văn hóa mà là trách nhiệm của cả hệ thống chính trị, của từng gia đình và từng người dân.</p>
<h2>Con người vừa là mục tiêu, vừa là động lực</h2>
<p>Hồ Chí Minh khẳng định muốn xây dựng chủ nghĩa xã hội trước hết cần có những con người xã hội chủ nghĩa. Con người được Người nhìn nhận một cách toàn diện: có lòng yêu nước, có đạo đức cách mạng, có tri thức, có sức khỏe và có tinh thần làm chủ. Sự nghiệp “trồng người” là sự nghiệp lâu dài, đòi hỏi sự kiên trì, bền bỉ và phải bắt đầu từ những việc nhỏ, gần gũi, thiết thực.</p>
<p>Đối với cán bộ tuyên giáo cơ sở, học tập tư tưởng này có nghĩa là khi tuyên truyền bất kỳ chủ trương nào cũng phải đặt con người vào trung tâm: người dân được lợi gì, cần làm gì, có thể góp sức thế nào. Một bài nói chuyện ở nhà văn hóa thôn sẽ thuyết phục hơn nhiều khi gắn với những tấm gương cụ thể trong thôn, xóm, chứ không chỉ dừng ở những khái niệm chung.</p>
"""),
            ("Đạo đức cách mạng: cần, kiệm, liêm, chính, chí công vô tư", 15, """
<p>Chủ tịch Hồ Chí Minh ví đạo đức là gốc của người cách mạng, như sông phải có nguồn, cây phải có gốc. Người không nói đạo đức một cách trừu tượng mà cụ thể hóa thành những chuẩn mực dễ hiểu, dễ nhớ, dễ làm: cần, kiệm, liêm, chính, chí công vô tư. Những chuẩn mực ấy vừa là yêu cầu đối với mỗi cán bộ, đảng viên, vừa là thước đo để nhân dân giám sát cán bộ.</p>
<ul>
<li><strong>Cần</strong>: siêng năng, chăm chỉ, làm việc có kế hoạch, có năng suất; không ngại khó, không đùn đẩy.</li>
<li><strong>Kiệm</strong>: tiết kiệm thời gian, công sức, tiền của của dân, của Nhà nước; không phô trương, lãng phí.</li>
<li><strong>Liêm</strong>: trong sạch, không tham lam, không lợi dụng chức vụ để vun vén cá nhân.</li>
<li><strong>Chính</strong>: ngay thẳng, đứng đắn với mình, với người và với việc; dám nhận khuyết điểm để sửa.</li>
<li><strong>Chí công vô tư</strong>: đặt lợi ích chung lên trên lợi ích riêng, “lo trước thiên hạ, vui sau thiên hạ”.</li>
</ul>
<p>Người đặc biệt coi trọng nêu gương: “một tấm gương sống còn có giá trị hơn một trăm bài diễn văn tuyên truyền”. Điều đó đòi hỏi người cán bộ tuyên giáo trước hết phải tự mình làm gương trong lời nói và việc làm. Khi cán bộ giữ đúng giờ họp, công khai các khoản thu chi của chi bộ, giải quyết đến nơi đến chốn kiến nghị của dân, thì lời tuyên truyền của họ tự khắc có sức nặng.</p>
<p>Trong bối cảnh hiện nay, thực hành đạo đức cách mạng còn gắn với việc đấu tranh chống biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, “tự diễn biến”, “tự chuyển hóa”. Mỗi chi bộ cần đưa nội dung này vào sinh hoạt thường kỳ, với những việc làm cụ thể được kiểm điểm hằng tháng, thay vì chỉ nêu khẩu hiệu.</p>
"""),
        ]),
        ("Phần 2. Giá trị văn hóa, con người Thái Bình", [
            ("Truyền thống quê hương “Năm tấn”", 12, """
<p>Thái Bình là vùng đất được hình thành từ công cuộc khai hoang lấn biển bền bỉ của nhiều thế hệ. Chính quá trình “quai đê lấn biển”, thau chua rửa mặn ấy đã hun đúc nên những phẩm chất cần cù, đoàn kết, kiên cường của con người nơi đây. Trong kháng chiến, Thái Bình là quê hương của phong trào “thóc không thiếu một cân, quân không thiếu một người”, đóng góp to lớn sức người, sức của cho tiền tuyến.</p>
<p>Năm 1965, Thái Bình trở thành tỉnh đầu tiên ở miền Bắc đạt năng suất lúa năm tấn trên một héc-ta, một dấu mốc được cả nước biết đến với tên gọi quê hương “Năm tấn”. Thành tích ấy không chỉ là con số sản lượng mà là minh chứng cho tinh thần dám nghĩ, dám làm, biết tổ chức lao động tập thể và áp dụng tiến bộ khoa học kỹ thuật vào đồng ruộng.</p>
<p>Bên cạnh truyền thống lao động, Thái Bình còn có kho tàng văn hóa phong phú: nghệ thuật chèo với những làng chèo nổi tiếng, múa rối nước, các lễ hội truyền thống, những làng nghề như chạm bạc, dệt chiếu, thêu ren. Đây là nguồn lực mềm quý giá cho phát triển du lịch, xây dựng nông thôn mới và giáo dục thế hệ trẻ.</p>
<p>Khi tuyên truyền chuyên đề năm 2023 ở cơ sở, cán bộ nên khơi dậy niềm tự hào ấy bằng những câu chuyện cụ thể của chính địa phương mình: một cụ già từng đi dân công hỏa tuyến, một hợp tác xã đi đầu trong cơ giới hóa, một đội chèo không chuyên vẫn duy trì biểu diễn. Niềm tự hào được khơi dậy đúng cách sẽ trở thành động lực hành động.</p>
"""),
            ("Xây dựng con người Thái Bình trong giai đoạn mới", 12, """
<p>Phát triển Thái Bình nhanh, bền vững đòi hỏi những con người vừa giữ được bản sắc, vừa thích ứng với yêu cầu của công nghiệp hóa, chuyển đổi số và hội nhập. Các chuẩn mực cần được vun đắp là: yêu nước, đoàn kết, trung thực, trách nhiệm, kỷ cương, sáng tạo; có ý thức tuân thủ pháp luật và tinh thần học tập suốt đời.</p>
<p>Môi trường văn hóa là nơi hình thành con người. Vì vậy, xây dựng gia đình văn hóa, thôn, tổ dân phố văn hóa, cơ quan văn hóa cần đi vào thực chất, tránh chạy theo danh hiệu. Một khu dân cư văn hóa thực sự là nơi người dân tự giác giữ gìn vệ sinh môi trường, giúp đỡ nhau lúc khó khăn, hòa giải mâu thuẫn bằng tình làng nghĩa xóm và cùng nhau thực hiện các quy ước, hương ước.</p>
<p>Đội ngũ cán bộ, đảng viên giữ vai trò nòng cốt. Mỗi người cần xác định rõ mình sẽ làm theo Bác điều gì trong năm, ghi vào bản cam kết và được chi bộ theo dõi, đánh giá. Những việc làm dù nhỏ nhưng đều đặn — đến sớm hơn giờ tiếp dân, trả lời đơn thư đúng hạn, vận động một hộ nghèo thoát nghèo — chính là cách biến tư tưởng của Người thành hành động hằng ngày.</p>
"""),
        ]),
        ("Phần 3. Làm theo Bác ở cơ sở: từ kế hoạch đến kết quả", [
            ("Xây dựng kế hoạch làm theo Bác của chi bộ", 10, """
<p>Một kế hoạch làm theo Bác có giá trị khi nó trả lời được ba câu hỏi: làm việc gì, ai làm, và đến khi nào thì biết là đã làm được. Chi bộ nên chọn từ một đến ba việc trọng tâm gắn với nhiệm vụ chính trị của địa phương, chẳng hạn: giải quyết dứt điểm tình trạng rác thải ở kênh mương, nâng tỷ lệ người dân dùng dịch vụ công trực tuyến, hay giúp đỡ các hộ có hoàn cảnh khó khăn.</p>
<p>Mỗi việc cần có người chịu trách nhiệm chính, có mốc thời gian và chỉ tiêu đo được. Kế hoạch phải được thông qua trong sinh hoạt chi bộ, công khai cho đảng viên và nhân dân biết để cùng giám sát. Hằng quý, chi bộ kiểm điểm tiến độ, chỉ rõ việc gì làm tốt, việc gì chưa làm được và nguyên nhân.</p>
<p>Cuối năm, kết quả làm theo Bác là căn cứ quan trọng khi đánh giá, xếp loại chất lượng đảng viên và tổ chức đảng. Những cách làm hay nên được giới thiệu rộng rãi qua hệ thống truyền thanh cơ sở và mạng xã hội của địa phương, để cái tốt lan tỏa.</p>
"""),
            ("Nêu gương và nhân rộng điển hình", 8, """
<p>Điển hình tiên tiến không phải là những người hoàn hảo mà là những người làm được việc tốt một cách bền bỉ, trong điều kiện bình thường như bao người khác. Phát hiện điển hình cần đi từ cơ sở, từ ý kiến của người dân, chứ không chỉ từ báo cáo của cấp dưới.</p>
<p>Khi giới thiệu một tấm gương, người cán bộ tuyên giáo nên kể bằng câu chuyện: hoàn cảnh ban đầu, khó khăn gặp phải, cách vượt qua và kết quả đạt được. Câu chuyện càng cụ thể, có con số, có lời kể của người trong cuộc thì càng dễ đi vào lòng người. Tránh tô vẽ quá mức khiến người nghe cảm thấy xa vời, khó học theo.</p>
<p>Việc khen thưởng cần kịp thời và tương xứng; sau khen thưởng phải tiếp tục theo dõi, hỗ trợ để điển hình phát triển và lan tỏa, không để phong trào chỉ rộ lên trong dịp tổng kết rồi lắng xuống.</p>
"""),
        ]),
    ],
)

IDEOLOGY = (
    "bao-ve-nen-tang-tu-tuong-cua-dang",
    "Bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác thông tin sai trái, thù địch trên mạng xã hội",
    "Bảo vệ nền tảng tư tưởng của Đảng",
    2023,
    "Nhận diện các luận điệu sai trái, thù địch phổ biến trên mạng xã hội; nắm vững phương pháp kiểm chứng "
    "thông tin và kỹ năng phản bác bằng lập luận, bằng chứng, bằng những câu chuyện tích cực.",
    True,
    [
        ("Phần 1. Nhận diện thông tin sai trái, thù địch", [
            ("Các thủ đoạn thường gặp trên mạng xã hội", 12, """
<p>Thông tin sai trái, thù địch trên mạng xã hội hiếm khi xuất hiện dưới dạng lời kêu gọi trực diện. Chúng thường được ngụy trang khéo léo: một đoạn video bị cắt ghép khỏi bối cảnh, một tấm ảnh cũ gắn với sự kiện mới, một “bài phân tích” pha trộn vài sự thật với nhiều suy diễn, hay những bình luận được dàn dựng hàng loạt để tạo cảm giác “ai cũng nghĩ như vậy”.</p>
<ul>
<li>Xuyên tạc, phủ nhận chủ nghĩa Mác – Lênin, tư tưởng Hồ Chí Minh dưới vỏ bọc “đổi mới tư duy”.</li>
<li>Lợi dụng những vụ việc tiêu cực có thật để quy chụp bản chất của cả chế độ.</li>
<li>Kích động tâm lý bức xúc trong các vụ việc đất đai, môi trường, tai nạn, thiên tai.</li>
<li>Bôi nhọ cá nhân lãnh đạo, gieo rắc nghi ngờ giữa nhân dân với chính quyền.</li>
</ul>
<p>Dấu hiệu nhận biết chung là: nguồn tin không rõ ràng hoặc mạo danh cơ quan báo chí; tiêu đề giật gân, dùng nhiều từ ngữ cảm xúc; thiếu thời gian, địa điểm cụ thể; kêu gọi chia sẻ gấp. Khi gặp những dấu hiệu này, việc đầu tiên cần làm là dừng lại, không chia sẻ, không bình luận vội.</p>
"""),
            ("Kiểm chứng thông tin trước khi chia sẻ", 10, """
<p>Kiểm chứng thông tin là kỹ năng cơ bản mà mỗi cán bộ, đảng viên cần thành thạo. Quy trình đơn giản gồm bốn bước: xác định nguồn gốc thông tin; đối chiếu với các cơ quan báo chí chính thống và cổng thông tin của cơ quan nhà nước; kiểm tra hình ảnh, video bằng cách tìm kiếm ngược để biết chúng đã xuất hiện từ khi nào; và cuối cùng, hỏi ý kiến người có thẩm quyền, am hiểu lĩnh vực.</p>
<p>Trong nhiều trường hợp, chỉ cần chú ý đến ngày đăng, tên miền của trang web hay biểu tượng xác minh của tài khoản là đã có thể phát hiện tin giả. Một trang mạo danh thường có tên miền na ná trang thật, chỉ khác một vài ký tự.</p>
<p>Với những thông tin liên quan đến địa phương, cán bộ tuyên giáo cơ sở nên nhanh chóng báo cáo lên cấp trên và phối hợp với chính quyền để có thông tin chính thức kịp thời. Khoảng trống thông tin chính thống càng kéo dài thì tin đồn càng có đất phát triển.</p>
"""),
        ]),
        ("Phần 2. Kỹ năng đấu tranh, phản bác", [
            ("Phản bác bằng lập luận và bằng chứng", 12, """
<p>Phản bác hiệu quả không phải là tranh cãi gay gắt hay dùng lời lẽ xúc phạm. Mục tiêu là giúp những người đang theo dõi cuộc trao đổi — thường là đa số im lặng — nhận ra đâu là sự thật. Vì vậy, một bình luận phản bác tốt cần ngắn gọn, điềm tĩnh, có dẫn nguồn chính thống và tập trung vào một luận điểm sai rõ nhất.</p>
<p>Cấu trúc gợi ý: nêu ngắn gọn luận điệu sai; đưa ra sự thật kèm số liệu, văn bản hoặc đường dẫn xác thực; chỉ ra mục đích hoặc thủ đoạn của thông tin sai; kết thúc bằng một thông điệp tích cực. Tránh lặp lại nguyên văn tiêu đề sai lệch, vì chính việc nhắc lại có thể vô tình giúp nó lan truyền rộng hơn.</p>
<p>Đấu tranh phản bác cần có tổ chức: các lực lượng nòng cốt ở cơ sở nên được phân công theo dõi những nhóm, trang có đông người dân địa phương tham gia, thống nhất thông tin và phản hồi kịp thời, đồng thời tuân thủ pháp luật về an ninh mạng.</p>
"""),
            ("Lan tỏa thông tin tích cực", 8, """
<p>Cách phòng ngừa tốt nhất là “lấy cái đẹp dẹp cái xấu”. Khi không gian mạng của địa phương tràn ngập những câu chuyện thật về người tốt, việc tốt, về những công trình, phần việc thiết thực, thì thông tin xấu độc khó tìm được chỗ đứng.</p>
<p>Mỗi cán bộ, đảng viên có thể bắt đầu từ trang cá nhân của mình: chia sẻ tin tức chính thống về chủ trương, chính sách mới; giới thiệu hoạt động của chi bộ, đoàn thể; ghi nhận những tấm gương trong khu dân cư. Nội dung nên ngắn, có hình ảnh thật, ngôn ngữ gần gũi.</p>
<p>Các trang thông tin của xã, phường cần được cập nhật thường xuyên và trả lời câu hỏi của người dân nhanh chóng, đúng mực. Sự tin cậy được xây dựng qua từng lần phản hồi đúng hẹn.</p>
"""),
        ]),
    ],
)

SKILLS = (
    "ky-nang-cong-tac-tuyen-truyen",
    "Kỹ năng công tác tuyên truyền miệng và tuyên truyền trên nền tảng số",
    "Nghiệp vụ công tác tuyên giáo",
    2023,
    "Những kỹ năng thực hành cho báo cáo viên, tuyên truyền viên cơ sở: chuẩn bị và trình bày một buổi "
    "nói chuyện, tổ chức đối thoại với nhân dân, và viết tin bài ngắn cho trang thông tin điện tử, mạng xã hội.",
    True,
    [
        ("Phần 1. Tuyên truyền miệng", [
            ("Chuẩn bị một buổi nói chuyện thời sự", 10, """
<p>Một buổi nói chuyện thời sự thành công bắt đầu từ việc hiểu người nghe. Trước khi soạn đề cương, báo cáo viên cần biết đối tượng là ai — hội viên phụ nữ, đoàn viên thanh niên hay người cao tuổi —, họ đang quan tâm điều gì và thời lượng cho phép là bao lâu.</p>
<p>Đề cương nên có ba phần rõ ràng: mở đầu gây chú ý bằng một sự việc gần gũi; phần chính tập trung vào hai hoặc ba thông điệp, mỗi thông điệp có số liệu và ví dụ minh họa; phần kết nêu rõ người nghe cần làm gì. Mọi số liệu phải được kiểm tra nguồn và cập nhật.</p>
<p>Nên chuẩn bị sẵn câu trả lời cho những câu hỏi có thể được đặt ra, nhất là các vấn đề nhạy cảm ở địa phương. Khi chưa có thông tin chính xác, hãy thẳng thắn ghi nhận và hẹn trả lời sau, tuyệt đối không trả lời cho qua chuyện.</p>
"""),
            ("Đối thoại với nhân dân", 10, """
<p>Đối thoại khác với thuyết trình ở chỗ người cán bộ phải lắng nghe nhiều hơn nói. Hãy để người dân trình bày hết ý kiến, ghi chép đầy đủ, nhắc lại để xác nhận mình đã hiểu đúng, rồi mới trả lời.</p>
<p>Khi trả lời, cần phân loại rõ: việc gì thuộc thẩm quyền và có thể giải quyết ngay; việc gì cần thời gian, khi nào sẽ có kết quả; việc gì không thuộc thẩm quyền thì chuyển đến đâu. Lời hứa phải được theo dõi và thực hiện, vì một lời hứa không giữ sẽ làm mất uy tín của cả buổi đối thoại.</p>
<p>Giữ thái độ tôn trọng, bình tĩnh ngay cả khi có ý kiến gay gắt. Sự bức xúc của người dân thường có nguyên nhân thật; tìm ra và giải quyết nguyên nhân đó mới là cách làm công tác tư tưởng hiệu quả nhất.</p>
"""),
        ]),
        ("Phần 2. Tuyên truyền trên nền tảng số", [
            ("Viết tin ngắn cho trang thông tin và mạng xã hội", 10, """
<p>Người đọc trên điện thoại thường chỉ dành vài giây cho mỗi bài đăng. Vì vậy, tin ngắn cần đưa thông tin quan trọng nhất lên đầu: việc gì, ở đâu, khi nào, ai tham gia, kết quả ra sao. Câu văn ngắn, mỗi đoạn hai đến ba câu, tránh thuật ngữ hành chính khó hiểu.</p>
<p>Hình ảnh thật, rõ nét, có con người đang làm việc sẽ thu hút hơn ảnh chụp hội trường. Chú thích ảnh cần ghi đúng họ tên, chức danh và đơn vị. Trước khi đăng, hãy đọc lại để kiểm tra lỗi chính tả, dấu tiếng Việt và số liệu.</p>
<p>Sau khi đăng, theo dõi bình luận trong những giờ đầu để giải đáp thắc mắc và kịp thời cải chính nếu có sai sót. Một lời cải chính nhanh và rõ ràng củng cố niềm tin hơn là im lặng.</p>
"""),
            ("An toàn thông tin cho cán bộ tuyên giáo", 8, """
<p>Tài khoản mạng xã hội của cán bộ tuyên giáo là mục tiêu của các đối tượng xấu, vì một tài khoản bị chiếm có thể bị dùng để phát tán thông tin sai lệch dưới danh nghĩa người có uy tín. Mỗi người cần đặt mật khẩu mạnh, khác nhau cho từng dịch vụ, và bật xác thực hai lớp.</p>
<p>Không mở đường dẫn, tệp đính kèm lạ kể cả khi được gửi từ người quen; cảnh giác với các tin nhắn giả danh cơ quan chức năng yêu cầu cung cấp mã xác thực. Tài liệu nội bộ chỉ được lưu trữ, trao đổi trên các hệ thống được cơ quan cho phép.</p>
<p>Khi phát hiện tài khoản bị xâm nhập, cần báo ngay cho cơ quan và thông báo công khai để người thân, đồng nghiệp không bị lừa, đồng thời tiến hành khôi phục tài khoản theo hướng dẫn của nhà cung cấp dịch vụ.</p>
"""),
        ]),
    ],
)

COURSES = [HCM_2023, IDEOLOGY, SKILLS]
